import path from "node:path";
import type { DatabaseSync } from "node:sqlite";
import {
  type AgentEvent,
  type AgentEventType,
  addUsage,
  emptyUsage,
  type Handler,
  type Hooks,
  type Plugin,
  type RunEndEvent,
  type Usage,
} from "@skein/core";
import type { Logger } from "pino";
import type { HostedAgent } from "../agents/registry.ts";
import type { Run } from "../store/store.ts";
import { RuntimeMetrics } from "./metrics.ts";
import type { RunTracing } from "./run-tracing.ts";
import { openTelemetryDb } from "./telemetry-db.ts";
import { TENANT_ATTRIBUTE, TraceRecorder } from "./trace-recorder.ts";
import { type TraceRetention, TraceStore } from "./trace-store.ts";
import { UsageLedger } from "./usage-ledger.ts";

export interface RuntimeTelemetryOptions {
  /** The telemetry database file, or `:memory:` (default). */
  path?: string;
  /** Record prompts, completions and tool payloads in spans (`SKEIN_TRACE_CONTENT=1`); secrets are redacted. */
  captureContent?: boolean;
  retention?: Partial<TraceRetention>;
  /** Bearer token that may read `/metrics` (`SKEIN_METRICS_TOKEN`); dev mode reads it without one. */
  metricsToken?: string;
  /** Export spans over OTLP/HTTP when the standard `OTEL_EXPORTER_OTLP_*` variables say where (default true). */
  otlp?: boolean;
  /** Process metrics (CPU, memory, event loop) in `/metrics` (default false; servers turn them on). */
  processMetrics?: boolean;
  logger?: Logger;
  now?: () => number;
  /** Instrumented agent wrappers kept per agent, one per tenant, least recently used dropped first (default 1,024). */
  wrappersPerAgent?: number;
}

const DEFAULT_WRAPPERS_PER_AGENT = 1024;

/**
 * The events the tracing plugin listens to, besides run-start and run-end (which the telemetry plugin hooks itself).
 * Listed here because the plugin loads only after the first request; a test checks the list against the plugin.
 */
export const TRACED_EVENTS: readonly AgentEventType[] = [
  "before-model-call",
  "after-model-call",
  "turn-end",
  "tool-call",
  "tool-result",
  "tool-error",
];

type TraceHandler = (event: AgentEvent) => unknown;

interface RunContext {
  tenantId: string;
  agent: string;
  sessionId?: string;
  /** A resumed run's usage from before the restart: the ledger counts the whole run. */
  priorUsage?: Usage;
}

/**
 * Everything the runtime observes: GenAI spans of every hosted run (kept in SQLite with bounded retention and,
 * when configured, exported over OTLP), the usage ledger, and the Prometheus metrics. The OpenTelemetry SDK
 * (`run-tracing.ts`) and prom-client load on first use or `warmUp()`, not with this module: a run waits for them.
 */
export class RuntimeTelemetry {
  readonly traces: TraceStore;
  readonly usage: UsageLedger;
  readonly metrics: RuntimeMetrics;
  readonly metricsToken: string | undefined;
  readonly captureContent: boolean;
  private readonly db: DatabaseSync;
  private readonly recorder: TraceRecorder;
  private readonly otlp: boolean;
  private tracing: RunTracing | undefined;
  private tracingLoad: Promise<RunTracing | undefined> | undefined;
  private readonly logger: Logger | undefined;
  private readonly now: () => number;
  private readonly live = new Map<string, RunContext>();
  /** The tracing plugin's handlers by event type, once it is loaded. */
  private readonly traceHandlers = new Map<string, TraceHandler[]>();
  /** Instrumented agents by agent and tenant (`instrument`), least recently used first. */
  private readonly instrumented = new WeakMap<HostedAgent, Map<string, HostedAgent>>();
  private readonly wrappersPerAgent: number;
  /** Runs whose usage this process recorded when their agent ended them (the settle that follows skips them). */
  private readonly recordedHere = new Set<string>();
  private closing: Promise<void> | undefined;

  constructor(options: RuntimeTelemetryOptions = {}) {
    this.db = openTelemetryDb(options.path ?? ":memory:");
    this.now = options.now ?? Date.now;
    this.wrappersPerAgent = options.wrappersPerAgent ?? DEFAULT_WRAPPERS_PER_AGENT;
    this.logger = options.logger;
    this.traces = new TraceStore(this.db, { retention: options.retention, now: this.now });
    this.traces.prune();
    this.usage = new UsageLedger(this.db);
    this.metrics = new RuntimeMetrics({ processMetrics: options.processMetrics === true });
    this.metricsToken = options.metricsToken || undefined;
    this.captureContent = options.captureContent === true;
    this.recorder = new TraceRecorder(this.traces);
    this.otlp = options.otlp !== false;
  }

  /** Loads the OpenTelemetry SDK and prom-client, once; a server calls it after its first response. */
  async warmUp(): Promise<void> {
    await Promise.all([this.loadTracing(), this.metrics.warmUp()]);
  }

  private loadTracing(): Promise<RunTracing | undefined> {
    this.tracingLoad ??= import("./run-tracing.ts").then(
      ({ startRunTracing }) => {
        if (this.closing) return undefined;
        this.tracing = startRunTracing({
          recorder: this.recorder,
          captureContent: this.captureContent,
          otlp: this.otlp,
          attributes: (event) => {
            const run = this.live.get(event.runId);
            return run ? { [TENANT_ATTRIBUTE]: run.tenantId } : undefined;
          },
        });
        // Each event type's handlers as a list, once: `dispatch` runs per event.
        for (const [type, value] of Object.entries(this.tracing.plugin.hooks))
          this.traceHandlers.set(type, (Array.isArray(value) ? value : [value]) as TraceHandler[]);
        if (this.tracing.otlp)
          this.logger?.info("exporting traces over OTLP/HTTP (OTEL_EXPORTER_OTLP_* is set)");
        return this.tracing;
      },
      (error: unknown) => {
        // Runs go on untraced rather than fail: the usage ledger and the metrics do not depend on it.
        this.logger?.error({ err: error }, "could not load OpenTelemetry: runs are not traced");
        return undefined;
      },
    );
    return this.tracingLoad;
  }

  /**
   * The agent with its runs observed: every event goes to the tracing plugin's hooks, and the run's end to the
   * usage ledger and the metrics. Done with a run plugin (the loop calls it as it publishes each event), not a
   * generator around the run's stream: a run waiting on its model then holds nothing more of telemetry than its
   * span. New runs of an agent for a tenant share one wrapper and plugin (runs are many, agents and tenants few); a
   * resumed run, with usage from before the restart, gets its own. The wrappers of an agent are bounded
   * (`wrappersPerAgent`): past it the least recently used tenant's is dropped, and made again if that tenant returns.
   */
  instrument(agent: HostedAgent, tenantId: string, priorUsage?: Usage): HostedAgent {
    if (priorUsage !== undefined) return this.wrap(agent, tenantId, priorUsage);
    let byTenant = this.instrumented.get(agent);
    if (!byTenant) {
      byTenant = new Map();
      this.instrumented.set(agent, byTenant);
    }
    let wrapped = byTenant.get(tenantId);
    if (wrapped)
      byTenant.delete(tenantId); // re-inserted below: the Map's order is the order of use
    else {
      wrapped = this.wrap(agent, tenantId, undefined);
      if (byTenant.size >= this.wrappersPerAgent) byTenant.delete(byTenant.keys().next().value!);
    }
    byTenant.set(tenantId, wrapped);
    return wrapped;
  }

  private wrap(agent: HostedAgent, tenantId: string, priorUsage: Usage | undefined): HostedAgent {
    const plugin = this.plugin({ tenantId, agent: agent.name, priorUsage });
    const stream: HostedAgent["stream"] = (input, options) =>
      agent.stream(input, { ...options, plugins: [...(options?.plugins ?? []), plugin] });
    return Object.create(agent, { stream: { value: stream } }) as HostedAgent;
  }

  private plugin(run: RunContext): Plugin {
    const dispatch = (event: AgentEvent) => this.dispatch(event);
    const hooks: Hooks = {};
    for (const type of TRACED_EVENTS) (hooks as Record<string, Handler<AgentEventType>>)[type] = dispatch;
    hooks["run-start"] = (event) => {
      this.live.set(
        event.runId,
        event.sessionId === undefined ? run : { ...run, sessionId: event.sessionId },
      );
      if (!this.tracing) return this.loadTracing().then(() => this.dispatch(event));
      this.dispatch(event);
    };
    hooks["run-end"] = (event) => {
      this.dispatch(event);
      this.runEnded(event, this.live.get(event.runId) ?? run);
      this.live.delete(event.runId);
    };
    return { name: "skein-runtime-telemetry", hooks };
  }

  /** A run that left without its end event (a shutdown suspended it): end the spans the tracing plugin holds open. */
  private abandoned(runId: string): void {
    if (!this.live.has(runId)) return;
    this.dispatch({
      type: "run-end",
      runId,
      stopReason: "error",
      text: "",
      usage: emptyUsage(),
      messages: [],
      error: { code: "run_stream_abandoned", message: "The run's event stream was abandoned" },
    });
    this.live.delete(runId);
  }

  private dispatch(event: AgentEvent): void {
    const handlers = this.traceHandlers.get(event.type);
    if (!handlers) return;
    for (const handler of handlers) {
      try {
        // The tracing plugin's handlers are synchronous; a failure must never reach the run.
        void handler(event);
      } catch (error) {
        this.logger?.warn({ err: error, event: event.type }, "tracing failed on an event");
      }
    }
  }

  /**
   * A run has settled in this process. Runs that ended through their agent were recorded then (before their last
   * event reached any reader); the others (interrupted when resuming was unsafe, suspended by a shutdown, failed
   * in the runtime) are recorded here from the stored run, whose usage counts every step across restarts. A
   * suspended run's row is replaced when it ends after resuming.
   */
  runSettled(run: Run): void {
    this.abandoned(run.id);
    if (this.recordedHere.delete(run.id)) return;
    try {
      this.usage.record({
        runId: run.id,
        tenantId: run.tenantId,
        sessionId: run.sessionId,
        agent: run.agent,
        status: run.stopReason ?? run.status,
        endedAt: run.endedAt ?? this.now(),
        usage: run.usage,
      });
    } catch (error) {
      this.logger?.error({ err: error, runId: run.id }, "could not record the run's usage");
    }
  }

  /** The ledger gets the whole run's usage; this process's counters what the run consumed here. */
  private runEnded(event: RunEndEvent, run: RunContext): void {
    try {
      this.usage.record({
        runId: event.runId,
        tenantId: run.tenantId,
        sessionId: run.sessionId,
        agent: run.agent,
        status: event.stopReason,
        endedAt: this.now(),
        usage: run.priorUsage ? addUsage(run.priorUsage, event.usage) : event.usage,
      });
      this.recordedHere.add(event.runId);
    } catch (error) {
      this.logger?.error({ err: error, runId: event.runId }, "could not record the run's usage");
    }
    this.metrics.runEnded(
      { tenant: run.tenantId, agent: run.agent, stopReason: event.stopReason },
      event.usage,
    );
  }

  /** Exports and stores every span ended so far. */
  async flush(): Promise<void> {
    await (await this.tracingLoad)?.forceFlush();
    this.traces.flush();
  }

  /** Flushes (OTLP included), then closes the database. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const tracing = await this.tracingLoad;
      await tracing?.shutdown().catch((error: unknown) => {
        this.logger?.warn({ err: error }, "trace export failed at shutdown");
      });
      this.traces.close();
      this.db.close();
    })();
    return this.closing;
  }
}

/** Telemetry settings from the environment: `SKEIN_TRACE_CONTENT`, `SKEIN_METRICS_TOKEN` and retention. */
export function telemetryOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): RuntimeTelemetryOptions {
  const positive = (name: string): number | undefined => {
    const value = Number(env[name]);
    return Number.isFinite(value) && value > 0 ? value : undefined;
  };
  const maxTraces = positive("SKEIN_TRACE_MAX_TRACES");
  const days = positive("SKEIN_TRACE_RETENTION_DAYS");
  const retention: Partial<TraceRetention> = {};
  if (maxTraces) retention.maxTraces = Math.floor(maxTraces);
  if (days) retention.maxAgeMs = days * 24 * 3_600_000;
  return {
    captureContent: env.SKEIN_TRACE_CONTENT === "1" || env.SKEIN_TRACE_CONTENT === "true",
    metricsToken: env.SKEIN_METRICS_TOKEN,
    retention,
  };
}

/**
 * The telemetry of a server: `<dataDir>/telemetry.db` next to the store's database, or in memory when the server
 * was handed a store and no data directory.
 */
export function openServerTelemetry(options: {
  dataDir: string | undefined;
  logger: Logger;
}): RuntimeTelemetry {
  const file = options.dataDir ? path.join(options.dataDir, "telemetry.db") : ":memory:";
  return new RuntimeTelemetry({
    ...telemetryOptionsFromEnv(),
    path: file,
    logger: options.logger,
    processMetrics: true,
  });
}
