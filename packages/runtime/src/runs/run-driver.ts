import {
  type AgentEvent,
  addUsage,
  type ErrorInfo,
  type RunEndEvent,
  SkeinError,
  type Usage,
} from "@skein/core";
import type { Logger } from "pino";
import { RunNotActiveError } from "../store/errors.ts";
import {
  type NewSessionEvent,
  type Run,
  type RunProgress,
  type Session,
  type Store,
  SUSPENDED_STOP_REASON,
} from "../store/store.ts";
import { runHistory } from "./history.ts";
import type { ReplayTurn } from "./resume-plan.ts";
import type { RunFeed } from "./run-feed.ts";

/** A run this process is driving or holding in its session's queue. */
export interface LiveRun {
  run: Run;
  session: Session;
  status: "queued" | "running";
  controller: AbortController;
  feed: RunFeed;
  /** Resolves with the stored run once it has ended here (never rejects). */
  done: Promise<Run>;
  resolve(run: Run): void;
  /**
   * Set by a graceful shutdown. `finish-step`: the step in flight (model turn, tool calls of a turn) commits, then
   * the run is suspended before the next one starts. `now`: the run was suspended; nothing more is committed.
   */
  stop?: "finish-step" | "now";
}

export interface DriveOptions {
  store: Store;
  logger: Logger;
  /** How many messages of the history handed to the loop the session history already stores. */
  baseLength: number;
  /** Added to the loop's turn numbers (a resumed loop counts from 1 again). */
  turnOffset: number;
  /** Turns up to this one have a committed `turn-start`: the loop's repeat is not appended again. */
  startedTurn: number;
  /** The loop's first turn replays this committed turn: what was committed of it is not appended again. */
  replay?: ReplayTurn;
  /** Usage committed before (a resumed run). */
  usage: Usage;
  /** A resume: the loop's `run-start` is not appended (the first process did). */
  resumed: boolean;
}

/** Hook points travel on the agent's stream too; they are internal (whole requests) and never stored. */
const hookEventTypes = new Set([
  "before-model-call",
  "after-model-call",
  "before-tool-call",
  "after-tool-call",
]);

/** Appends to the run's session log and wakes the run's readers with what was committed. */
export async function commitEvents(
  store: Store,
  live: LiveRun,
  events: NewSessionEvent[],
  progress?: RunProgress,
): Promise<void> {
  const { run } = live;
  live.feed.push(await store.appendEvents(run.tenantId, run.sessionId, events, progress));
}

export const shutdownError: ErrorInfo = {
  code: "server_shutdown",
  message:
    "The server shut down during this run; it resumes from its last committed step when the server starts.",
};

/** Suspends the run for a shutdown: `interrupted` with stop reason `shutdown`, which a restart resumes. */
export async function suspendRun(store: Store, live: LiveRun): Promise<void> {
  const { id } = live.run;
  const event = { type: "run-suspended", runId: id, reason: SUSPENDED_STOP_REASON, error: shutdownError };
  await commitEvents(store, live, [{ type: event.type, runId: id, data: event }], {
    runId: id,
    end: { status: "interrupted", stopReason: SUSPENDED_STOP_REASON, error: shutdownError },
  });
}

/** The end status of a run by its stop reason: limits end a run normally, errors fail it. */
function endStatus(event: RunEndEvent): "completed" | "failed" | "cancelled" {
  if (event.stopReason === "cancelled") return "cancelled";
  return event.stopReason === "done" || event.stopReason === "max-turns" || event.stopReason === "max-tokens"
    ? "completed"
    : "failed";
}

export const errorInfo = (error: unknown): ErrorInfo =>
  error instanceof SkeinError
    ? { code: error.code, message: error.message }
    : { code: "internal_error", message: error instanceof Error ? error.message : String(error) };

/** The events of the replayed turn the first process already committed. */
function alreadyCommitted(event: AgentEvent, replay: ReplayTurn): boolean {
  switch (event.type) {
    case "turn-start":
    case "text-delta":
    case "reasoning-delta":
    case "turn-end":
    case "turn-discarded":
      return true;
    case "tool-call":
      return replay.announced.has(event.call.id);
    case "tool-progress":
    case "tool-result":
    case "tool-error":
      return replay.committed.has(event.callId);
    default:
      return false;
  }
}

const renumber = (event: AgentEvent, offset: number): AgentEvent =>
  offset !== 0 && "turn" in event ? { ...event, turn: event.turn + offset } : event;

/**
 * Drives the agent's event stream into the store: each event is appended (with the run's progress, in one
 * transaction) before the next one is pulled from the loop, so every step is committed before the next starts.
 * A tool turn's calls run concurrently inside the loop; each result is committed as it is yielded, and the loop
 * starts the next model call only after all of them. `run-end` ends the run and writes the run's messages to the
 * session history in the same transaction; the stored `run-end` leaves `messages` out.
 */
export async function driveRun(
  live: LiveRun,
  events: AsyncIterable<AgentEvent>,
  options: DriveOptions,
): Promise<void> {
  const { store, replay } = options;
  const { run } = live;
  let usage = options.usage;
  let replaying = false;
  let ended = false;
  let suspend = false;
  try {
    for await (const event of events) {
      if (live.stop === "now") break;
      if (hookEventTypes.has(event.type)) continue;
      if (event.type === "turn-start") {
        replaying = replay !== undefined && event.turn === 1;
        // Shutting down: the next model call would start a new step.
        if (live.stop === "finish-step") {
          suspend = true;
          break;
        }
      }
      // A tool turn just ended: its tools start on the next pull, so a shutdown suspends here.
      const toolsNext = event.type === "turn-end" && (event.message.toolCalls?.length ?? 0) > 0;
      if (options.resumed && event.type === "run-start") continue;
      if (replaying && alreadyCommitted(event, replay!)) {
        if (toolsNext && live.stop === "finish-step") {
          suspend = true;
          break;
        }
        continue;
      }
      const data = renumber(event, options.turnOffset);
      if (data.type === "turn-start" && data.turn <= options.startedTurn) continue;
      const progress: RunProgress = { runId: run.id };
      let stored: unknown = data;
      if (data.type === "turn-end") {
        usage = addUsage(usage, data.usage);
        progress.steps = 1;
        progress.usage = usage;
      } else if (data.type === "tool-result" || data.type === "tool-error") {
        progress.steps = 1;
      } else if (data.type === "run-end") {
        const { messages, ...rest } = data;
        stored = { ...rest, usage };
        progress.end = {
          status: endStatus(data),
          stopReason: data.stopReason,
          error: data.error,
          result: { text: data.text, output: data.output },
          usage,
        };
        progress.history = messages.slice(options.baseLength);
        ended = true;
      }
      await commitEvents(store, live, [{ type: data.type, runId: run.id, data: stored }], progress);
      if (toolsNext && live.stop === "finish-step") {
        suspend = true;
        break;
      }
    }
    if (suspend) await suspendRun(store, live);
    else if (!ended && live.stop !== "now")
      throw new SkeinError("run_stream_ended", "the agent's event stream ended without run-end");
  } catch (error) {
    live.controller.abort();
    if (live.stop === "now") return; // suspended by the shutdown; the store may be closing
    // Only failures log here: a pino child made up front would be kept (with its bindings) for the run's life.
    const log = options.logger.child({ runId: run.id, sessionId: run.sessionId, tenantId: run.tenantId });
    if (error instanceof RunNotActiveError) {
      log.warn({ status: error.status }, "run stopped: it is no longer running in the store");
    } else {
      log.error({ err: error }, "run failed outside the agent loop");
      await failRun(store, live, usage, error).catch((e) =>
        log.error({ err: e }, "could not record failure"),
      );
    }
  }
}

/** Ends a run whose agent stream broke: a `run-end` and the run's committed units, so readers terminate cleanly. */
function failRun(store: Store, live: LiveRun, usage: Usage, error: unknown): Promise<void> {
  return endRunWithError(store, live, errorInfo(error), usage, "failed");
}

/**
 * Ends the run with an error: `error` and `run-end` events, and the run's committed units appended to the session
 * history (its in-flight work is dropped), in one transaction.
 */
export async function endRunWithError(
  store: Store,
  live: LiveRun,
  error: ErrorInfo,
  usage: Usage,
  status: "failed" | "interrupted",
): Promise<void> {
  const { run } = live;
  const history = await runHistory(store, run.tenantId, run.sessionId, run.id);
  const end = { type: "run-end", runId: run.id, stopReason: "error", text: "", usage, error };
  await commitEvents(
    store,
    live,
    [
      { type: "error", runId: run.id, data: { type: "error", runId: run.id, error } },
      { type: "run-end", runId: run.id, data: end },
    ],
    { runId: run.id, end: { status, stopReason: "error", error, usage }, history },
  );
}
