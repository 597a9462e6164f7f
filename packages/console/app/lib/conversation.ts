import type { AgentEvent, Usage } from "../api/types.ts";

/** What the console draws of a run's events: messages, reasoning, tool calls with results, run ends. */
export type Item =
  | { kind: "user"; key: string; runId: string; text: string }
  | { kind: "assistant"; key: string; runId: string; turn: number; text: string; reasoning: string }
  | {
      kind: "tool";
      key: string;
      runId: string;
      callId: string;
      name: string;
      arguments: string;
      status: "running" | "done" | "error";
      result?: string;
      durationMs?: number;
    }
  | { kind: "error"; key: string; runId: string; message: string }
  | { kind: "end"; key: string; runId: string; stopReason: string; usage: Usage; error?: string };

type ItemOf<K extends Item["kind"]> = Extract<Item, { kind: K }>;

const update = <K extends Item["kind"]>(
  items: Item[],
  find: (item: Item) => item is ItemOf<K>,
  change: (item: ItemOf<K>) => ItemOf<K>,
): Item[] | undefined => {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i]!;
    if (find(item)) {
      const next = items.slice();
      next[i] = change(item);
      return next;
    }
  }
  return undefined;
};

function appendDelta(items: Item[], runId: string, turn: number, field: "text" | "reasoning", text: string) {
  const isTurn = (item: Item): item is ItemOf<"assistant"> =>
    item.kind === "assistant" && item.runId === runId && item.turn === turn;
  return (
    update(items, isTurn, (item) => ({ ...item, [field]: item[field] + text })) ?? [
      ...items,
      {
        kind: "assistant",
        key: `${runId}:turn:${turn}:${items.length}`,
        runId,
        turn,
        text: field === "text" ? text : "",
        reasoning: field === "reasoning" ? text : "",
      },
    ]
  );
}

/** Folds one agent event into the items (immutably: React re-renders what changed). */
export function reduceEvent(items: Item[], event: AgentEvent): Item[] {
  const { runId } = event;
  switch (event.type) {
    case "run-start": {
      const users = event.input.filter((m) => m.role === "user");
      return [
        ...items,
        ...users.map((m, i): Item => ({ kind: "user", key: `${runId}:user:${i}`, runId, text: m.content })),
      ];
    }
    case "text-delta":
      return appendDelta(items, runId, event.turn, "text", event.text);
    case "reasoning-delta":
      return appendDelta(items, runId, event.turn, "reasoning", event.text);
    case "turn-discarded":
      // The model failed mid-turn and the turn is replayed: its partial output goes.
      return items.filter(
        (item) => !(item.kind === "assistant" && item.runId === runId && item.turn === event.turn),
      );
    case "tool-call":
      return [
        ...items,
        {
          kind: "tool",
          key: `${runId}:tool:${event.call.id}`,
          runId,
          callId: event.call.id,
          name: event.call.name,
          arguments: event.call.arguments,
          status: "running",
        },
      ];
    case "tool-result":
    case "tool-error": {
      const isCall = (item: Item): item is ItemOf<"tool"> =>
        item.kind === "tool" && item.callId === event.callId;
      return (
        update(items, isCall, (item) => ({
          ...item,
          status: event.type === "tool-result" ? "done" : "error",
          result: event.type === "tool-result" ? event.content : event.error.message,
          durationMs: event.durationMs,
        })) ?? items
      );
    }
    case "error":
      return [
        ...items,
        { kind: "error", key: `${runId}:error:${items.length}`, runId, message: event.error.message },
      ];
    case "run-end":
      return [
        ...items,
        {
          kind: "end",
          key: `${runId}:end`,
          runId,
          stopReason: event.stopReason,
          usage: event.usage,
          error: event.error?.message,
        },
      ];
    default:
      return items;
  }
}

export const reduceEvents = (events: AgentEvent[]): Item[] => events.reduce(reduceEvent, [] as Item[]);
