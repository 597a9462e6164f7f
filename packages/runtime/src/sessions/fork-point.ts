import { HttpError } from "../http/problem.ts";
import type { SessionEvent, Store } from "../store/store.ts";

/**
 * Where a session may be forked. The history is made of whole units: a run's input, an assistant turn without
 * tool calls, and an assistant turn with tool calls together with every one of their results. A fork point after
 * event N is a unit boundary when, after N, no model turn is open (a `turn-start` without its `turn-end` or
 * `turn-discarded`) and no tool call of an ended turn still waits for its result. Run starts and ends close
 * whatever was open (a run that ended with calls unanswered dropped them). Event 0 (an empty branch) and the
 * events between runs are always boundaries.
 */
export const FORK_UNIT_EVENT_TYPES = [
  "run-start",
  "run-end",
  "turn-start",
  "turn-end",
  "turn-discarded",
  "tool-result",
  "tool-error",
] as const;

/** The last boundary among the events (0 when none), and whether the last event left a unit open. */
export function lastUnitBoundary(events: readonly SessionEvent[]): { boundary: number; open: boolean } {
  let boundary = 0;
  let turnOpen = false;
  const waiting = new Set<string>();
  for (const event of events) {
    const data = event.data as { message?: { toolCalls?: { id: string }[] }; callId?: string };
    switch (event.type) {
      case "run-start":
      case "run-end":
        turnOpen = false;
        waiting.clear();
        break;
      case "turn-start":
        turnOpen = true;
        waiting.clear();
        break;
      case "turn-discarded":
        turnOpen = false;
        break;
      case "turn-end":
        turnOpen = false;
        for (const call of data.message?.toolCalls ?? []) waiting.add(call.id);
        break;
      case "tool-result":
      case "tool-error":
        if (data.callId !== undefined) waiting.delete(data.callId);
        break;
    }
    if (!turnOpen && waiting.size === 0) boundary = event.seq;
  }
  return { boundary, open: turnOpen || waiting.size > 0 };
}

export interface ForkPoint {
  /** The event the branch ends at. */
  atSeq: number;
  /** The event asked for (differs from `atSeq` when rounded down). */
  requested: number;
}

/**
 * Checks `requested` against the session's log: 400 `fork_point_out_of_range` past its last event; inside a unit,
 * 409 `fork_inside_unit` (with the boundary below as `boundary`) unless `round` is `down`, which forks at that
 * boundary instead.
 */
export async function resolveForkPoint(
  store: Store,
  tenantId: string,
  sessionId: string,
  lastSeq: number,
  requested: number,
  round: "down" | "refuse",
): Promise<ForkPoint> {
  if (requested > lastSeq)
    throw new HttpError(
      400,
      "fork_point_out_of_range",
      `session ${sessionId} has events 1..${lastSeq}; it cannot be forked at event ${requested}`,
    );
  const events = await store.listEvents(tenantId, sessionId, { types: [...FORK_UNIT_EVENT_TYPES] });
  // Events of other types (deltas, progress) neither open nor close a unit.
  const { boundary: below, open } = lastUnitBoundary(events.filter((e) => e.seq <= requested));
  if (!open) return { atSeq: requested, requested };
  if (round === "down") return { atSeq: below, requested };
  throw new HttpError(
    409,
    "fork_inside_unit",
    `event ${requested} is inside a unit (a model turn, or a tool call waiting for its result); the nearest ` +
      `boundary before it is event ${below}. Fork there, or send "round": "down".`,
    { extensions: { boundary: below } },
  );
}
