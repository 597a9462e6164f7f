import type {
  Message,
  RunEndEvent,
  RunStartEvent,
  ToolErrorEvent,
  ToolResultEvent,
  TurnEndEvent,
} from "@skein/core";
import type { Store } from "../store/store.ts";

/** Event types that carry history; everything else in the log is display-only (deltas, progress). */
export const HISTORY_EVENT_TYPES = ["run-start", "turn-end", "tool-result", "tool-error", "run-end"] as const;

/**
 * The session's conversation, rebuilt from its event log: the `messages` of the newest `run-end` (the whole valid
 * history at that point), then whatever later runs that never ended (crashed) committed in whole units: their
 * input, assistant turns without tool calls, and assistant turns with tool calls only once every result is in.
 */
export async function sessionHistory(store: Store, tenantId: string, sessionId: string): Promise<Message[]> {
  const lastEnd = await store.lastEvent(tenantId, sessionId, "run-end");
  const history: Message[] = lastEnd ? [...(lastEnd.data as RunEndEvent).messages] : [];
  const later = await store.listEvents(tenantId, sessionId, {
    afterSeq: lastEnd?.seq ?? 0,
    types: ["run-start", "turn-end", "tool-result", "tool-error"],
  });
  return appendCommitted(
    history,
    later.map((e) => e.data as RunStartEvent | TurnEndEvent | ToolResultEvent | ToolErrorEvent),
  );
}

/** Adds the whole units the events commit; a tool-call turn missing any result is dropped. */
export function appendCommitted(
  history: Message[],
  events: (RunStartEvent | TurnEndEvent | ToolResultEvent | ToolErrorEvent)[],
): Message[] {
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
        const message: Message =
          event.type === "tool-result"
            ? { role: "tool", toolCallId: event.callId, name: event.name, content: event.content }
            : {
                role: "tool",
                toolCallId: event.callId,
                name: event.name,
                content: event.error.message,
                isError: true,
              };
        pending.results.set(event.callId, message);
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
