import type {
  AssistantMessage,
  FinishReason,
  Message,
  ToolCall,
  ToolCallEvent,
  TurnStartEvent,
} from "@skein/core";
import type { SessionEvent } from "../store/store.ts";
import { appendCommitted, HISTORY_EVENT_TYPES, type HistoryEvent, toolMessage } from "./history.ts";

/** The stored event types a resume is planned from. */
export const RESUME_EVENT_TYPES = [...HISTORY_EVENT_TYPES, "turn-start", "tool-call"];

/** A tool call's outcome as the loop gives it to the model. */
export interface ToolOutcome {
  content: string;
  isError: boolean;
}

/**
 * The run's last committed model turn, played again without calling the model: the loop then runs only the tools
 * with no outcome yet, and the driver appends none of the events the first process already committed.
 */
export interface ReplayTurn {
  message: AssistantMessage;
  finishReason: FinishReason;
  /** Calls whose `tool-call` event is committed. */
  announced: Set<string>;
  /** Outcomes committed as events: given to the loop, not run, not appended again. */
  committed: Map<string, ToolOutcome>;
  /** Outcomes found only in idempotency records (the crash came before their event): given, then appended. */
  recorded: Map<string, ToolOutcome>;
}

export interface ResumePlan {
  /** The history handed to the loop: `base` and this run's committed units, the replayed turn left out. */
  history: Message[];
  /** The messages of `history` that are this run's (its contribution, for the session history at its end). */
  baseLength: number;
  /** The loop restarts at turn 1; the run's turn is the loop's plus this. */
  turnOffset: number;
  /** The newest turn with a committed `turn-start`: the loop's repeat of it is not appended again. */
  startedTurn: number;
  /** A turn that started but never ended: its streamed deltas are to be discarded (seq of its `turn-start`). */
  unfinishedTurn?: { turn: number; seq: number };
  replay?: ReplayTurn;
  /** Calls of the replayed turn without a committed outcome. */
  pending: ToolCall[];
}

/**
 * Plans how a run that a stopped process left continues from its last committed step. `base` is the session's
 * history before the run; `events` the run's stored events of `RESUME_EVENT_TYPES`, oldest first.
 * - no committed model turn, or a tool turn with every result: the loop calls the model (the turn in flight, if
 *   any, is replayed by calling the model again);
 * - a tool turn missing results: the turn is replayed; the loop runs only the calls without an outcome;
 * - a turn without tool calls: replayed, so the loop ends the run (or asks again for invalid structured output).
 */
export function planResume(base: Message[], events: SessionEvent[]): ResumePlan {
  const data = events.map((e) => e.data as HistoryEvent | TurnStartEvent | ToolCallEvent);
  const history = appendCommitted(
    [...base],
    data.filter((d): d is HistoryEvent => d.type !== "turn-start" && d.type !== "tool-call"),
  );
  let turnsEnded = 0;
  let lastEnd = -1;
  let startedTurn = 0;
  let lastStart: { turn: number; seq: number; index: number } | undefined;
  data.forEach((d, index) => {
    if (d.type === "turn-end") {
      turnsEnded++;
      lastEnd = index;
    } else if (d.type === "turn-start") {
      startedTurn = Math.max(startedTurn, d.turn);
      lastStart = { turn: d.turn, seq: events[index]!.seq, index };
    }
  });
  const plan: ResumePlan = {
    history,
    baseLength: base.length,
    turnOffset: turnsEnded,
    startedTurn,
    pending: [],
  };
  if (lastStart && lastStart.index > lastEnd)
    plan.unfinishedTurn = { turn: lastStart.turn, seq: lastStart.seq };
  if (lastEnd < 0) return plan;

  const end = data[lastEnd] as Extract<HistoryEvent, { type: "turn-end" }>;
  const calls = end.message.toolCalls ?? [];
  const replay: ReplayTurn = {
    message: end.message,
    finishReason: end.finishReason,
    announced: new Set(),
    committed: new Map(),
    recorded: new Map(),
  };
  const ids = new Set(calls.map((c) => c.id));
  for (const d of data.slice(lastEnd + 1)) {
    if (d.type === "tool-call" && ids.has(d.call.id)) replay.announced.add(d.call.id);
    if ((d.type === "tool-result" || d.type === "tool-error") && ids.has(d.callId)) {
      const message = toolMessage(d);
      replay.committed.set(d.callId, { content: message.content, isError: message.isError === true });
    }
  }
  if (calls.length > 0 && replay.committed.size === ids.size) return plan; // a whole unit: next, the model
  // A final answer committed without the run's end: replayed, so the loop ends the run itself (or, when structured
  // output was invalid, asks again exactly as it did).
  if (calls.length === 0 && history.at(-1) === end.message) history.pop();
  plan.turnOffset = turnsEnded - 1;
  plan.replay = replay;
  plan.pending = calls.filter((c) => !replay.committed.has(c.id));
  return plan;
}
