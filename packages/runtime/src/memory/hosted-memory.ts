import type { Plugin, RunEndEvent, ToolLogger } from "@skein/core";
import {
  actorNamespace,
  type ExtractionJob,
  type ExtractionScope,
  Memory,
  MemoryExtractor,
  memoryPlugin,
  type SearchMode,
} from "@skein/memory";
import type { Logger } from "pino";
import type { AgentRegistry } from "../agents/registry.ts";
import { ConfigError } from "../config/config.ts";
import { HttpError } from "../http/problem.ts";
import { HISTORY_EVENT_TYPES, sessionHistory } from "../runs/history.ts";
import type { Session, Store } from "../store/store.ts";
import {
  type AgentMemorySettings,
  checkSubNamespace,
  type MemoryMount,
  resolveStrategies,
} from "./memory-config.ts";

interface AgentMemory {
  settings: AgentMemorySettings;
  namespace: string | undefined;
  /** Absent when the agent extracts nothing (no strategies) or has no model to extract with. */
  extractor: MemoryExtractor | undefined;
}

const toolLogger = (logger: Logger): ToolLogger => ({
  debug: (message, data) => logger.debug(data ?? {}, message),
  info: (message, data) => logger.info(data ?? {}, message),
  warn: (message, data) => logger.warn(data ?? {}, message),
  error: (message, data) => logger.error(data ?? {}, message),
});

/**
 * Long-term memory mounted in the runtime: one store and embedding model for every tenant, and per agent its
 * settings and extractor. Runs of an agent with memory get a per-run `memoryPlugin` scoped to their session's
 * tenant and actor; extraction is queued in the background after runs and when sessions expire, never on a run's
 * critical path.
 */
export class HostedMemory {
  readonly memory: Memory;
  readonly mode: SearchMode;
  private readonly agents = new Map<string, AgentMemory>();
  private readonly runtimeStore: Store;
  private readonly logger: Logger;
  /** Background work started by runs and expiries (queueing extraction), so tests and shutdown can wait on it. */
  private readonly pending = new Set<Promise<void>>();
  /** Per session: the last event already handed to an extraction job (its provenance starts after it). */
  private readonly marks = new Map<string, number>();

  constructor(mount: MemoryMount, deps: { store: Store; agents: AgentRegistry; logger: Logger }) {
    this.memory = new Memory({ store: mount.store, embedder: mount.embeddings });
    this.mode = mount.embeddings ? "hybrid" : "bm25";
    this.runtimeStore = deps.store;
    this.logger = deps.logger.child({ component: "memory" });
    for (const [name, value] of Object.entries(mount.agents ?? {})) {
      const agent = deps.agents.get(name);
      if (!agent)
        throw new ConfigError("config_invalid", `memory.agents names "${name}", which is not hosted here`);
      const settings = value === true ? {} : value;
      const strategies = resolveStrategies(name, settings);
      const model = settings.extractionModel ?? mount.extractionModel ?? deps.agents.modelFor(agent);
      if (strategies.length > 0 && !model)
        this.logger.warn(
          { agent: name },
          "no model to extract memories with: extraction is off for this agent",
        );
      const extractor =
        strategies.length > 0 && model
          ? new MemoryExtractor({
              memory: this.memory,
              model,
              strategies,
              everyTurns: settings.extractEveryTurns,
              consolidation: settings.consolidation,
              logger: toolLogger(this.logger.child({ agent: name })),
            })
          : undefined;
      this.agents.set(name, { settings, namespace: checkSubNamespace(name, settings.namespace), extractor });
    }
  }

  get store() {
    return this.memory.store;
  }

  enabledFor(agent: string): boolean {
    return this.agents.has(agent);
  }

  /**
   * Whose memory a session's runs use: `/tenants/{tenant}/actors/{actor}` (plus the agent's sub-namespace). A
   * session without an actor keeps its memory to itself: `/tenants/{tenant}/sessions/{session}`.
   */
  scopeOf(session: Session): ExtractionScope {
    const sub = this.agents.get(session.agent)?.namespace;
    const root = session.actorId
      ? actorNamespace(session.tenantId, session.actorId)
      : `/tenants/${encodeURIComponent(session.tenantId)}/sessions/${encodeURIComponent(session.id)}`;
    return { tenantId: session.tenantId, namespace: sub ? `${root}/${sub}` : root, sessionId: session.id };
  }

  /** The per-run plugins of a run of `session` (none when its agent has no memory). */
  pluginsFor(session: Session): Plugin[] {
    const agent = this.agents.get(session.agent);
    if (!agent) return [];
    const scope = this.scopeOf(session);
    const retrieval = memoryPlugin({
      store: this.memory.store,
      embedder: this.memory.embedder,
      tenantId: scope.tenantId,
      namespace: () => scope.namespace,
      budgetTokens: agent.settings.budgetTokens,
      kinds: agent.settings.kinds,
      logger: toolLogger(this.logger),
    });
    if (!agent.extractor) return [retrieval];
    const extractor = agent.extractor;
    const extraction: Plugin = {
      name: "memory-extraction",
      hooks: {
        "run-end": (event) => {
          if (event.stopReason !== "cancelled") this.track(() => this.afterRun(extractor, scope, event));
        },
      },
    };
    return [retrieval, extraction];
  }

  /** Queues the session's extraction at its end (expiry), for sessions whose agent extracts. */
  sessionsEnded(sessions: readonly Session[]): void {
    for (const session of sessions) {
      const extractor = this.agents.get(session.agent)?.extractor;
      if (!extractor) continue;
      this.track(async () => {
        const messages = await sessionHistory(this.runtimeStore, session.tenantId, session.id);
        await extractor.endSession(this.scopeOf(session), messages);
        this.marks.delete(markKey({ tenantId: session.tenantId, sessionId: session.id }));
      });
    }
  }

  /** Queues a job over the session's whole history now (`POST /v1/memory/jobs`). */
  async extractNow(session: Session, strategies?: string[]): Promise<ExtractionJob> {
    const agent = this.agents.get(session.agent);
    if (!agent)
      throw new HttpError(
        409,
        "memory_not_enabled_for_agent",
        `agent "${session.agent}" does not use memory`,
      );
    if (!agent.extractor)
      throw new HttpError(
        409,
        "extraction_not_configured",
        `agent "${session.agent}" has no extraction strategies or model`,
      );
    const known = agent.extractor.strategies.map((s) => s.name);
    const unknown = strategies?.find((name) => !known.includes(name));
    if (unknown !== undefined)
      throw new HttpError(
        400,
        "unknown_strategy",
        `no strategy "${unknown}" (this agent has ${known.join(", ")})`,
      );
    const { tenantId, id } = session;
    const [messages, events] = await Promise.all([
      sessionHistory(this.runtimeStore, tenantId, id),
      this.runtimeStore.listEvents(tenantId, id, { types: [...HISTORY_EVENT_TYPES] }),
    ]);
    if (!messages.some((m) => m.role === "user"))
      throw new HttpError(409, "session_empty", `session ${id} has no conversation to extract from`);
    return agent.extractor.enqueue(
      this.scopeOf(session),
      { messages, eventIds: events.map((e) => String(e.seq)) },
      "manual",
      strategies ?? known,
    );
  }

  /** Resolves once the background work started so far has queued its jobs and every queued job has ended. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    await Promise.all([...this.agents.values()].map((a) => a.extractor?.idle()));
  }

  /** Stops extraction: running jobs are cancelled, queued ones fail with `extractor_closed`. */
  async close(): Promise<void> {
    await Promise.all([...this.pending]);
    await Promise.all([...this.agents.values()].map((a) => a.extractor?.close()));
  }

  private async afterRun(extractor: MemoryExtractor, scope: ExtractionScope, event: RunEndEvent) {
    const key = markKey(scope);
    const mark = this.marks.get(key) ?? 0;
    // The run's turns were committed before its end reached this hook: they are the provenance.
    const events = await this.runtimeStore.listEvents(scope.tenantId, scope.sessionId!, {
      afterSeq: mark,
      types: [...HISTORY_EVENT_TYPES],
    });
    const eventIds = events.map((e) => String(e.seq));
    const job = await extractor.onTurn(scope, event.messages, { runId: event.runId, eventIds });
    if (job) this.marks.set(key, events.at(-1)?.seq ?? mark);
  }

  /** Runs `work` after the current hook returns (off the run's critical path), tracked until it settles. */
  private track(work: () => Promise<void>): void {
    const task = new Promise<void>((resolve) => setImmediate(resolve))
      .then(work)
      .catch((error: unknown) => this.logger.warn({ err: error }, "memory extraction could not be queued"))
      .finally(() => this.pending.delete(task));
    this.pending.add(task);
  }
}

const markKey = (scope: { tenantId: string; sessionId?: string }) =>
  `${scope.tenantId}\u0000${scope.sessionId}`;
