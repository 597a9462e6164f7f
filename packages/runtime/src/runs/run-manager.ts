import { randomUUID } from "node:crypto";
import {
  type AgentEvent,
  addUsage,
  emptyUsage,
  type Message,
  ModelNotConfiguredError,
  type RunEndEvent,
  SkeinError,
  type Usage,
} from "@skein/core";
import type { Logger } from "pino";
import type { AgentRegistry, HostedAgent } from "../agents/registry.ts";
import { HttpError } from "../http/problem.ts";
import { type SessionLimits, sessionExpiry } from "../sessions/session-limits.ts";
import { RunNotActiveError } from "../store/errors.ts";
import type { Run, RunProgress, Session, SessionEvent, Store } from "../store/store.ts";
import { isTerminal } from "../store/store.ts";
import { ChangeSignal, whenAborted } from "./change-signal.ts";
import { sessionHistory } from "./history.ts";

/** Hook points travel on the agent's stream too; they are internal (whole requests) and never stored. */
const hookEventTypes = new Set([
  "before-model-call",
  "after-model-call",
  "before-tool-call",
  "after-tool-call",
]);

export interface RunManagerOptions {
  store: Store;
  agents: AgentRegistry;
  logger: Logger;
  limits: SessionLimits;
  now?: () => number;
}

export interface StartRunParams {
  tenantId: string;
  session: Session;
  agent: HostedAgent;
  input: Message[];
}

export interface StartedRun {
  run: Run;
  /** Resolves with the run as stored once it has ended (never rejects). */
  done: Promise<Run>;
}

interface LiveRun {
  run: Run;
  controller: AbortController;
  changed: ChangeSignal;
  done: Promise<Run>;
  /** Set by `shutdown()`: the run ends as `interrupted`, not `cancelled`. */
  interrupted?: boolean;
}

const pageSize = 500;

/** The end status of a run by its stop reason: limits end a run normally, errors fail it. */
function endStatus(event: RunEndEvent): "completed" | "failed" | "cancelled" {
  if (event.stopReason === "cancelled") return "cancelled";
  return event.stopReason === "done" || event.stopReason === "max-turns" || event.stopReason === "max-tokens"
    ? "completed"
    : "failed";
}

const errorInfo = (error: unknown) =>
  error instanceof SkeinError
    ? { code: error.code, message: error.message }
    : { code: "internal_error", message: error instanceof Error ? error.message : String(error) };

/**
 * Runs agents inside sessions. Each event of a run is appended to the store, in order, before the next one is
 * pulled from the agent, so every step is committed before the loop takes the next; readers follow the store.
 */
export class RunManager {
  private readonly store: Store;
  private readonly agents: AgentRegistry;
  private readonly logger: Logger;
  private readonly limits: SessionLimits;
  private readonly now: () => number;
  private readonly live = new Map<string, LiveRun>();

  constructor(options: RunManagerOptions) {
    this.store = options.store;
    this.agents = options.agents;
    this.logger = options.logger;
    this.limits = options.limits;
    this.now = options.now ?? Date.now;
  }

  /** Runs in flight in this process. */
  get activeCount(): number {
    return this.live.size;
  }

  /**
   * Creates the run (409 `session_busy` when the session has one running) and starts it in the background.
   * Throws `ModelNotConfiguredError` (503) before creating anything when the agent has no model.
   */
  async start(params: StartRunParams): Promise<StartedRun> {
    const { tenantId, session, agent, input } = params;
    const model = this.agents.modelFor(agent);
    if (!model)
      throw new ModelNotConfiguredError(`Agent "${agent.name}" has no model. ${this.agents.modelHint}`);
    if (session.status !== "active" || session.expiresAt <= this.now())
      throw new HttpError(410, "session_expired", `session ${session.id} has expired`);
    const history = await sessionHistory(this.store, tenantId, session.id);
    await this.touch(session);
    // Nothing that can fail comes between creating the run and driving it (a run nobody drives blocks its session).
    const run = await this.store.createRun({
      id: `run_${randomUUID().replaceAll("-", "")}`,
      tenantId,
      sessionId: session.id,
      agent: agent.name,
      status: "running",
    });
    const controller = new AbortController();
    const live: LiveRun = { run, controller, changed: new ChangeSignal(), done: Promise.resolve(run) };
    this.live.set(run.id, live);
    const events = agent.stream(input, {
      history,
      sessionId: session.id,
      runId: run.id,
      signal: controller.signal,
      model,
    });
    live.done = this.drive(live, session, events, [...history, ...input]);
    return { run, done: live.done };
  }

  private async drive(
    live: LiveRun,
    session: Session,
    events: AsyncIterable<AgentEvent>,
    fallbackHistory: Message[],
  ): Promise<Run> {
    const { run } = live;
    const log = this.logger.child({ runId: run.id, sessionId: session.id, tenantId: run.tenantId });
    let usage: Usage = emptyUsage();
    let ended = false;
    try {
      for await (const event of events) {
        if (hookEventTypes.has(event.type)) continue;
        const progress: RunProgress = { runId: run.id };
        if (event.type === "turn-end") {
          usage = addUsage(usage, event.usage);
          progress.steps = 1;
          progress.usage = usage;
        } else if (event.type === "tool-result" || event.type === "tool-error") {
          progress.steps = 1;
        } else if (event.type === "run-end") {
          const interrupted = live.interrupted === true && event.stopReason === "cancelled";
          progress.end = {
            status: interrupted ? "interrupted" : endStatus(event),
            stopReason: event.stopReason,
            error: interrupted
              ? { code: "server_shutdown", message: "The server shut down during the run" }
              : event.error,
            result: { text: event.text, output: event.output },
            usage: event.usage,
          };
          ended = true;
        }
        await this.store.appendEvents(
          run.tenantId,
          run.sessionId,
          [{ type: event.type, runId: run.id, data: event }],
          progress,
        );
        live.changed.fire();
      }
      if (!ended) throw new SkeinError("run_stream_ended", "the agent's event stream ended without run-end");
    } catch (error) {
      live.controller.abort();
      if (error instanceof RunNotActiveError) {
        log.warn({ status: error.status }, "run stopped: it is no longer running in the store");
      } else {
        log.error({ err: error }, "run failed outside the agent loop");
        await this.failRun(live, fallbackHistory, error).catch((e) =>
          log.error({ err: e }, "could not record failure"),
        );
      }
    } finally {
      this.live.delete(run.id);
      live.changed.fire();
    }
    await this.touch(session).catch(() => {});
    const final = (await this.store.getRun(run.tenantId, run.id)) ?? run;
    log.info({ status: final.status, stopReason: final.stopReason, usage: final.usage }, "run ended");
    return final;
  }

  /** Ends a run whose agent stream broke: a `run-end` with the last valid history, so readers terminate cleanly. */
  private async failRun(live: LiveRun, history: Message[], error: unknown): Promise<void> {
    const { run } = live;
    const info = errorInfo(error);
    const end: RunEndEvent = {
      type: "run-end",
      runId: run.id,
      stopReason: "error",
      text: "",
      usage: emptyUsage(),
      messages: history,
      error: info,
    };
    await this.store.appendEvents(
      run.tenantId,
      run.sessionId,
      [
        { type: "error", runId: run.id, data: { type: "error", runId: run.id, error: info } },
        { type: "run-end", runId: run.id, data: end },
      ],
      { runId: run.id, end: { status: "failed", stopReason: "error", error: info } },
    );
  }

  private async touch(session: Session): Promise<void> {
    const at = this.now();
    await this.store.touchSession(session.tenantId, session.id, {
      at,
      expiresAt: sessionExpiry(session.createdAt, at, this.limits),
    });
  }

  /**
   * The run's events after `afterSeq`, then its live ones as they are committed, until the run ends (or `signal`
   * aborts). A run not in flight in this process yields what is stored and stops.
   */
  async *events(run: Run, afterSeq = 0, signal?: AbortSignal): AsyncGenerator<SessionEvent> {
    const aborted = whenAborted(signal);
    let cursor = afterSeq;
    while (!signal?.aborted) {
      const live = this.live.get(run.id);
      const changed = live?.changed.next();
      const batch = await this.store.listEvents(run.tenantId, run.sessionId, {
        runId: run.id,
        afterSeq: cursor,
        limit: pageSize,
      });
      for (const event of batch) {
        cursor = event.seq;
        yield event;
      }
      if (batch.length === pageSize) continue;
      if (!live) return;
      await Promise.race([changed, aborted]);
    }
  }

  /** Resolves with the stored run once it ends; immediately when it is not in flight here. */
  async wait(run: Run): Promise<Run> {
    const live = this.live.get(run.id);
    if (live) return live.done;
    return (await this.store.getRun(run.tenantId, run.id)) ?? run;
  }

  /**
   * Cancels the run and resolves with it once ended. A run in flight here is aborted (the agent commits its
   * `run-end`); a stored run not in flight anywhere here is marked cancelled. 409 `run_finished` when it ended.
   */
  async cancel(run: Run): Promise<Run> {
    const live = this.live.get(run.id);
    if (live) {
      live.controller.abort();
      return live.done;
    }
    if (isTerminal(run.status))
      throw new HttpError(409, "run_finished", `run ${run.id} has already ${run.status}`);
    return this.store.transitionRun(run.tenantId, run.id, "cancelled", {
      stopReason: "cancelled",
      error: { code: "run_cancelled", message: "The run was cancelled" },
    });
  }

  /**
   * Crash recovery, first step: every run still `running` in the store was left by a previous process (the store
   * is owned by one server). Each gets a committed `run-end` carrying its last valid history and ends
   * `interrupted`, which frees its session. TODO(durable runs): resume from the last committed step instead,
   * when resuming is safe (idempotency records for tool calls).
   */
  async recoverInterrupted(): Promise<Run[]> {
    const recovered: Run[] = [];
    for (const run of await this.store.findRunsByStatus(["running"])) {
      if (this.live.has(run.id)) continue;
      const error = {
        code: "run_interrupted",
        message: "The server stopped during this run; it was not resumed.",
      };
      const end: RunEndEvent = {
        type: "run-end",
        runId: run.id,
        stopReason: "error",
        text: "",
        usage: run.usage,
        messages: await sessionHistory(this.store, run.tenantId, run.sessionId),
        error,
      };
      try {
        await this.store.appendEvents(
          run.tenantId,
          run.sessionId,
          [{ type: "run-end", runId: run.id, data: end }],
          {
            runId: run.id,
            end: { status: "interrupted", stopReason: "error", error },
          },
        );
        recovered.push((await this.store.getRun(run.tenantId, run.id)) ?? run);
      } catch (caught) {
        if (!(caught instanceof RunNotActiveError)) throw caught;
      }
    }
    if (recovered.length > 0)
      this.logger.warn({ runs: recovered.map((r) => r.id) }, "runs interrupted by a restart");
    return recovered;
  }

  /**
   * Graceful shutdown: aborts every run in flight and waits for each to commit its end, stored as `interrupted`.
   * TODO(durable runs): leave them `running` and resume them from their last committed step on restart.
   */
  async shutdown(): Promise<void> {
    const runs = [...this.live.values()];
    for (const live of runs) {
      live.interrupted = true;
      live.controller.abort();
    }
    await Promise.all(runs.map((live) => live.done));
  }
}
