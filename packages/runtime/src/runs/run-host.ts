import { randomUUID } from "node:crypto";
import {
  type AgentEvent,
  emptyUsage,
  type Message,
  type Model,
  ModelNotConfiguredError,
  type Plugin,
} from "@skein/core";
import type { Logger } from "pino";
import type { AgentRegistry, HostedAgent } from "../agents/registry.ts";
import { type SessionLimits, sessionExpiry } from "../sessions/session-limits.ts";
import type { Run, Session, Store } from "../store/store.ts";
import { durableTools } from "./durable-tools.ts";
import { loadSessionHistory } from "./history.ts";
import { ReplayModel } from "./replay-model.ts";
import { type DriveOptions, driveRun, errorInfo, type LiveRun } from "./run-driver.ts";
import { RunFeed } from "./run-feed.ts";
import type { RunManagerOptions, StartedRun } from "./run-types.ts";

/** How a run starts: the history handed to the loop, and how the driver continues a resumed run. */
export type Plan = Omit<DriveOptions, "store" | "logger"> & { history: Message[] };

/** The runs of one session in this process: at most one running, the others waiting in order. */
export interface Lane {
  busy: boolean;
  waiting: { live: LiveRun; agent: HostedAgent }[];
}

export const newRunId = () => `run_${randomUUID().replaceAll("-", "")}`;
export const laneKey = (tenantId: string, sessionId: string) => `${tenantId}\u0000${sessionId}`;

/**
 * The runs in flight in this process and their sessions' queues: starting a run (with its per-run durability
 * plugin and, on resume, the replayed turn), and settling it when it ends. `RunManager` is the public face.
 */
export class RunHost {
  protected readonly store: Store;
  protected readonly agents: AgentRegistry;
  protected readonly logger: Logger;
  protected readonly limits: SessionLimits;
  protected readonly now: () => number;
  protected readonly runPlugins: ((session: Session) => Plugin[]) | undefined;
  protected readonly live = new Map<string, LiveRun>();
  protected readonly lanes = new Map<string, Lane>();
  protected closing = false;

  constructor(options: RunManagerOptions) {
    this.store = options.store;
    this.agents = options.agents;
    this.logger = options.logger;
    this.limits = options.limits;
    this.now = options.now ?? Date.now;
    this.runPlugins = options.runPlugins;
  }

  /** Runs running in this process (queued ones not counted). */
  get activeCount(): number {
    let count = 0;
    for (const live of this.live.values()) if (live.status === "running") count++;
    return count;
  }

  protected freshPlan(history: Message[], stored: number): Plan {
    return {
      history,
      baseLength: stored,
      turnOffset: 0,
      startedTurn: 0,
      usage: emptyUsage(),
      resumed: false,
    };
  }

  protected lane(tenantId: string, sessionId: string): Lane {
    const key = laneKey(tenantId, sessionId);
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { busy: false, waiting: [] };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  protected track(run: Run, session: Session, status: LiveRun["status"]): LiveRun {
    let resolve!: (run: Run) => void;
    const done = new Promise<Run>((r) => {
      resolve = r;
    });
    const live: LiveRun = {
      run,
      session,
      status,
      controller: new AbortController(),
      feed: new RunFeed(run.lastSeq),
      done,
      resolve,
    };
    if (this.closing) live.stop = "finish-step";
    this.live.set(run.id, live);
    return live;
  }

  protected async enqueue(
    lane: Lane,
    session: Session,
    agent: HostedAgent,
    input: Message[],
  ): Promise<StartedRun> {
    const run = await this.store.createRun({
      id: newRunId(),
      tenantId: session.tenantId,
      sessionId: session.id,
      agent: agent.name,
      status: "queued",
      input,
    });
    const live = this.track(run, session, "queued");
    lane.waiting.push({ live, agent });
    this.pump(lane);
    return { run, done: live.done };
  }

  /** Starts the session's next queued run when none is running. */
  protected pump(lane: Lane): void {
    if (lane.busy || this.closing) return;
    const next = lane.waiting.shift();
    if (!next) return;
    lane.busy = true;
    void this.startQueued(lane, next.live, next.agent);
  }

  protected async startQueued(lane: Lane, live: LiveRun, agent: HostedAgent): Promise<void> {
    const { run } = live;
    try {
      const model = this.agents.modelFor(agent);
      if (!model)
        throw new ModelNotConfiguredError(`Agent "${agent.name}" has no model. ${this.agents.modelHint}`);
      const { messages, stored } = await loadSessionHistory(this.store, run.tenantId, run.sessionId);
      live.run = await this.store.transitionRun(run.tenantId, run.id, "running");
      this.launch(live, agent, model, run.input ?? [], this.freshPlan(messages, stored));
    } catch (error) {
      this.logger.warn({ runId: run.id, err: error }, "queued run could not start");
      await this.store
        .transitionRun(run.tenantId, run.id, "failed", { stopReason: "error", error: errorInfo(error) })
        .catch(() => {});
      lane.busy = false;
      await this.settle(live);
    }
  }

  protected launch(live: LiveRun, agent: HostedAgent, model: Model, input: Message[], plan: Plan): void {
    const { run, session } = live;
    live.status = "running";
    const replayModel = plan.replay ? new ReplayModel(model, plan.replay) : undefined;
    const plugin = durableTools({
      store: this.store,
      tenantId: run.tenantId,
      runId: run.id,
      tools: agent.tools,
      turnOffset: plan.turnOffset,
      replay: plan.replay && replayModel ? { turn: plan.replay, model: replayModel } : undefined,
    });
    const options = {
      history: plan.history,
      sessionId: session.id,
      runId: run.id,
      signal: live.controller.signal,
      model: replayModel ?? model,
      plugins: [plugin, ...(this.runPlugins?.(session) ?? [])],
    };
    // Lazily (the driver's `for await` asks for the iterator inside its `try`), so that an agent that throws on
    // start fails the run like any other error in its stream; an object, not a generator around the stream.
    const events: AsyncIterable<AgentEvent> = {
      [Symbol.asyncIterator]: () => agent.stream(input, options)[Symbol.asyncIterator](),
    };
    const { history: _history, ...drive } = plan;
    void driveRun(live, events, { store: this.store, logger: this.logger, ...drive })
      .catch((error: unknown) => this.logger.error({ runId: run.id, err: error }, "run driver failed"))
      .then(() => {
        const lane = this.lanes.get(laneKey(run.tenantId, run.sessionId));
        if (lane) lane.busy = false;
        return this.settle(live);
      });
  }

  /**
   * The run as stored when it ended (or was suspended) here, its usage counting every step since it was created,
   * before a crash included. A subclass meters it (the usage ledger).
   */
  protected runSettled(_run: Run): void {}

  /** The run has ended (or left) here: readers are woken, waiters get the stored run, the session's next run starts. */
  protected async settle(live: LiveRun): Promise<void> {
    const { run, session } = live;
    this.live.delete(run.id);
    live.feed.end();
    if (!this.closing) await this.touch(session).catch(() => {});
    const final = (await this.store.getRun(run.tenantId, run.id).catch(() => undefined)) ?? run;
    this.logger.info(
      { runId: run.id, status: final.status, stopReason: final.stopReason, usage: final.usage },
      "run ended",
    );
    this.runSettled(final);
    live.resolve(final);
    const key = laneKey(run.tenantId, run.sessionId);
    const lane = this.lanes.get(key);
    if (!lane) return;
    this.pump(lane);
    if (!lane.busy && lane.waiting.length === 0) this.lanes.delete(key);
  }

  protected async touch(session: Session): Promise<void> {
    const at = this.now();
    await this.store.touchSession(session.tenantId, session.id, {
      at,
      expiresAt: sessionExpiry(session.createdAt, at, this.limits),
    });
  }
}
