import { ModelNotConfiguredError, type Usage } from "@skein/core";
import type { HostedAgent } from "../agents/registry.ts";
import { HttpError } from "../http/problem.ts";
import { RunNotActiveError, SessionBusyError } from "../store/errors.ts";
import type { Run, SessionEvent, Store } from "../store/store.ts";
import { isTerminal } from "../store/store.ts";
import { loadSessionHistory } from "./history.ts";
import { decideResume, resumeEvents } from "./resume-run.ts";
import { commitEvents, endRunWithError, errorInfo, suspendRun } from "./run-driver.ts";
import type { RunFeed } from "./run-feed.ts";
import { followedEvents, type RunEventHost, type RunEventSink, RunFollower } from "./run-follower.ts";
import { laneKey, newRunId, RunHost } from "./run-host.ts";
import type { RecoveryReport, ShutdownOptions, StartedRun, StartRunParams } from "./run-types.ts";

export type {
  OnBusy,
  RecoveryReport,
  RunManagerOptions,
  ShutdownOptions,
  StartedRun,
  StartRunParams,
} from "./run-types.ts";

/** Resolves true when `promise` settles within `ms`, false otherwise (a bound, not a synchronisation). */
const within = (promise: Promise<unknown>, ms: number) =>
  new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });

/**
 * Runs agents inside sessions, one at a time per session (others wait in its queue or get 409), each step
 * committed to the store before the next starts (`driveRun`). Resumes the runs a stopped process left (`recover`)
 * and suspends runs on shutdown so that they resume.
 */
export class RunManager extends RunHost implements RunEventHost {
  /**
   * Starts a run, or queues it (`onBusy: "queue"`) behind the session's run in flight; 409 `session_busy` otherwise.
   * Throws `ModelNotConfiguredError` (503) before creating anything when the agent has no model.
   */
  async start(params: StartRunParams): Promise<StartedRun> {
    const { tenantId, session, agent, input } = params;
    if (this.closing)
      throw new HttpError(503, "shutting_down", "The server is shutting down; try again shortly.");
    const model = this.agents.modelFor(agent);
    if (!model)
      throw new ModelNotConfiguredError(`Agent "${agent.name}" has no model. ${this.agents.modelHint}`);
    if (session.status !== "active" || session.expiresAt <= this.now())
      throw new HttpError(410, "session_expired", `session ${session.id} has expired`);
    const lane = this.lane(tenantId, session.id);
    if (lane.busy || lane.waiting.length > 0) {
      if (params.onBusy !== "queue") throw new SessionBusyError(session.id);
      return this.enqueue(lane, session, agent, input);
    }
    lane.busy = true; // reserved before the first await: a concurrent start sees the session busy
    try {
      const { messages, stored } = await loadSessionHistory(this.store, tenantId, session.id);
      await this.touch(session);
      // Nothing that can fail comes between creating the run and driving it (a run nobody drives blocks its session).
      const run = await this.store.createRun({
        id: newRunId(),
        tenantId,
        sessionId: session.id,
        agent: agent.name,
        status: "running",
      });
      const live = this.track(run, session, "running");
      this.launch(live, agent, model, input, this.freshPlan(messages, stored));
      return { run, done: live.done };
    } catch (error) {
      lane.busy = false;
      this.pump(lane);
      throw error;
    }
  }

  /**
   * The run's events after `afterSeq`, then its live ones as they are committed, until the run ends here (or
   * `signal` aborts). Live events come from memory (the run's feed); the store is read only for older ones.
   */
  events(run: Run, afterSeq = 0, signal?: AbortSignal): AsyncGenerator<SessionEvent> {
    return followedEvents((sink) => this.follow(run, afterSeq, sink), signal);
  }

  /**
   * What `events` yields, pushed to `sink` (an SSE connection) by a small follower object instead of a suspended
   * generator: the cheap way to hold thousands of idle readers (`events` is a pull reader over one). `stop()` it
   * when the reader goes away.
   */
  follow(run: Run, afterSeq: number, sink: RunEventSink): RunFollower {
    return new RunFollower(this, run, afterSeq, sink).start();
  }

  get eventStore(): Store {
    return this.store;
  }

  /** The in-memory feed of a run in flight here. */
  feedOf(runId: string): RunFeed | undefined {
    return this.live.get(runId)?.feed;
  }

  /** Resolves with the stored run once it ends; immediately when it is not in flight here. */
  async wait(run: Run): Promise<Run> {
    const live = this.live.get(run.id);
    if (live) return live.done;
    return (await this.store.getRun(run.tenantId, run.id)) ?? run;
  }

  /**
   * Cancels the run and resolves with it once ended. A queued run leaves its queue; a run in flight here is
   * aborted (the agent commits its `run-end`); a stored run not in flight here is marked cancelled. 409
   * `run_finished` when it has ended.
   */
  async cancel(run: Run): Promise<Run> {
    const live = this.live.get(run.id);
    if (live) {
      const lane = this.lanes.get(laneKey(run.tenantId, run.sessionId));
      const index = lane?.waiting.findIndex((w) => w.live === live) ?? -1;
      if (index < 0) {
        live.controller.abort();
        return live.done;
      }
      lane!.waiting.splice(index, 1);
      live.run = await this.store.transitionRun(run.tenantId, run.id, "cancelled", {
        stopReason: "cancelled",
        error: { code: "run_cancelled", message: "The run was cancelled" },
      });
      await this.settle(live);
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
   * On start: every run a previous process left in flight (crashed, or suspended by a shutdown) resumes from its
   * last committed step, with the same run id and event log, or ends `interrupted` with the reason when that is
   * not safe; queued runs wait again for their sessions. The store is owned by one server.
   */
  async recover(): Promise<RecoveryReport> {
    const report: RecoveryReport = { resumed: [], interrupted: [], requeued: [] };
    const runs = (await this.store.findRunsToRecover()).filter((run) => !this.live.has(run.id));
    for (const run of runs) {
      if (run.status === "queued") continue;
      try {
        const after = await this.resume(run);
        (after.status === "running" ? report.resumed : report.interrupted).push(after);
      } catch (error) {
        this.logger.error({ runId: run.id, err: error }, "run could not be recovered");
      }
    }
    for (const run of runs) {
      if (run.status !== "queued") continue;
      const agent = this.agents.get(run.agent);
      const session = await this.store.getSession(run.tenantId, run.sessionId);
      if (!agent || !session) {
        const error = { code: "agent_not_found", message: `no agent named "${run.agent}" on this server` };
        await this.store.transitionRun(run.tenantId, run.id, "failed", { stopReason: "error", error });
        continue;
      }
      const lane = this.lane(run.tenantId, run.sessionId);
      lane.waiting.push({
        live: this.track(run, session, "queued"),
        agent: this.agentForResume(agent, run.tenantId, run.usage),
      });
      this.pump(lane);
      report.requeued.push(run);
    }
    const ids = (list: Run[]) => list.map((r) => r.id);
    if (runs.length > 0)
      this.logger.warn(
        {
          resumed: ids(report.resumed),
          interrupted: ids(report.interrupted),
          requeued: ids(report.requeued),
        },
        "runs recovered after a restart",
      );
    return report;
  }

  /**
   * The agent a resumed (or re-queued) run uses; a subclass may wrap it, e.g. to trace and meter the run as `start`
   * does. `priorUsage`: what the run consumed before the restart.
   */
  protected agentForResume(agent: HostedAgent, _tenantId: string, _priorUsage: Usage): HostedAgent {
    return agent;
  }

  private async resume(run: Run): Promise<Run> {
    const log = this.logger.child({ runId: run.id, sessionId: run.sessionId, tenantId: run.tenantId });
    const session = await this.store.getSession(run.tenantId, run.sessionId);
    const claimed =
      run.status === "running" ? run : await this.store.transitionRun(run.tenantId, run.id, "running");
    if (!session) {
      const error = { code: "session_not_found", message: `session ${run.sessionId} no longer exists` };
      return this.store.transitionRun(run.tenantId, run.id, "interrupted", { stopReason: "error", error });
    }
    const lane = this.lane(run.tenantId, run.sessionId);
    lane.busy = true;
    const live = this.track(claimed, session, "running");
    try {
      const decision = await decideResume(this.store, this.agents, claimed);
      if (decision.kind === "interrupt") {
        log.warn({ error: decision.error }, "run not resumed");
        await endRunWithError(this.store, live, decision.error, claimed.usage, "interrupted");
        lane.busy = false;
        await this.settle(live);
        return live.done;
      }
      const { plan, model, discardTurn } = decision;
      const agent = this.agentForResume(decision.agent, run.tenantId, claimed.usage);
      const turn = plan.turnOffset + 1;
      const events = resumeEvents(run, turn, discardTurn);
      await commitEvents(this.store, live, events, { runId: run.id });
      log.info({ turn, replay: plan.replay !== undefined }, "run resumed");
      this.launch(live, agent, model, [], {
        history: plan.history,
        baseLength: plan.baseLength,
        turnOffset: plan.turnOffset,
        startedTurn: plan.startedTurn,
        replay: plan.replay,
        usage: claimed.usage,
        resumed: true,
      });
      return live.run;
    } catch (error) {
      log.error({ err: error }, "run could not be resumed");
      await endRunWithError(this.store, live, errorInfo(error), claimed.usage, "interrupted").catch(() => {});
      lane.busy = false;
      await this.settle(live);
      return live.done;
    }
  }

  /**
   * Graceful shutdown: no new runs; queued runs stay queued in the store; each running run finishes the step in
   * flight (model turn, or the tool calls of a turn), commits it and is suspended (`interrupted`, stop reason
   * `shutdown`), which the next start resumes. Runs still busy after `graceMs` are suspended where they are.
   */
  async shutdown(options: ShutdownOptions = {}): Promise<void> {
    this.closing = true;
    for (const lane of this.lanes.values())
      for (const { live } of lane.waiting.splice(0)) await this.settle(live);
    const running = [...this.live.values()];
    for (const live of running) live.stop = "finish-step";
    const all = Promise.all(running.map((live) => live.done));
    if (await within(all, options.graceMs ?? 10_000)) return;
    for (const live of running) {
      if (!this.live.has(live.run.id)) continue;
      live.stop = "now";
      await suspendRun(this.store, live).catch((error: unknown) => {
        if (!(error instanceof RunNotActiveError)) this.logger.error({ err: error }, "could not suspend run");
      });
      live.controller.abort();
    }
    await within(all, 2_000);
  }
}
