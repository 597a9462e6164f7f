import type {
  Message,
  RunStartEvent,
  ToolErrorEvent,
  ToolMessage,
  ToolResultEvent,
  TurnEndEvent,
} from "@skein/core";
import type { Store } from "../store/store.ts";

/** Event types that carry history; everything else in the log is display-only (deltas, progress). */
export const HISTORY_EVENT_TYPES = ["run-start", "turn-end", "tool-result", "tool-error"] as const;

export type HistoryEvent = RunStartEvent | TurnEndEvent | ToolResultEvent | ToolErrorEvent;

/**
 * The session's conversation: what its ended runs committed with their ends (`Store.listHistory`, each message
 * stored once), then whatever a run that has not ended yet (in flight, crashed, suspended) committed in whole
 * units: its input, assistant turns without tool calls, and assistant turns with tool calls once every result is in.
 */
export async function sessionHistory(store: Store, tenantId: string, sessionId: string): Promise<Message[]> {
  return (await loadSessionHistory(store, tenantId, sessionId)).messages;
}

/** `sessionHistory`, and how many of its messages are stored as the session history (the rest come from events). */
export async function loadSessionHistory(
  store: Store,
  tenantId: string,
  sessionId: string,
): Promise<{ messages: Message[]; stored: number }> {
  const [stored, lastEnd] = await Promise.all([
    store.listHistory(tenantId, sessionId),
    store.lastEvent(tenantId, sessionId, "run-end"),
  ]);
  const later = await store.listEvents(tenantId, sessionId, {
    afterSeq: lastEnd?.seq ?? 0,
    types: [...HISTORY_EVENT_TYPES],
  });
  const count = stored.length;
  return {
    messages: appendCommitted(
      stored,
      later.map((e) => e.data as HistoryEvent),
    ),
    stored: count,
  };
}

/** The whole units one run committed (its contribution to the session's history), from its stored events. */
export async function runHistory(store: Store, tenantId: string, sessionId: string, runId: string) {
  const events = await store.listEvents(tenantId, sessionId, { runId, types: [...HISTORY_EVENT_TYPES] });
  return appendCommitted(
    [],
    events.map((e) => e.data as HistoryEvent),
  );
}

/** The tool message a committed tool-result or tool-error event stands for (as the loop builds it). */
export function toolMessage(event: ToolResultEvent | ToolErrorEvent): ToolMessage {
  return event.type === "tool-result"
    ? { role: "tool", toolCallId: event.callId, name: event.name, content: event.content }
    : {
        role: "tool",
        toolCallId: event.callId,
        name: event.name,
        content: event.error.message,
        isError: true,
      };
}

/** Adds the whole units the events commit; a tool-call turn missing any result is dropped. */
export function appendCommitted(history: Message[], events: HistoryEvent[]): Message[] {
  let pending: { assistant: Message; ids: Set<string>; results: Map<string, Message> } | undefined;
  for (const event of events) {
    switch (event.type) {
      case "run-start":
        pending = undefined;
        history.push(...event.input);
        break;
      case "turn-end": {
        pending = undefined;
        const calls = event.message.toolCalls ?? [];
        if (calls.length === 0) history.push(event.message);
        else pending = { assistant: event.message, ids: new Set(calls.map((c) => c.id)), results: new Map() };
        break;
      }
      case "tool-result":
      case "tool-error": {
        if (!pending?.ids.has(event.callId)) break;
        pending.results.set(event.callId, toolMessage(event));
        if (pending.results.size === pending.ids.size) {
          // Results in the order of the calls, as the loop commits them.
          history.push(pending.assistant, ...[...pending.ids].map((id) => pending!.results.get(id)!));
          pending = undefined;
        }
        break;
      }
    }
  }
  return history;
}
