import type { Message } from "../model/messages.ts";

/**
 * The smallest slice of a history that can be dropped or kept on its own: a user (or system) message, or an
 * assistant message together with the tool results that follow it. Dropping whole units keeps every tool call
 * next to its results.
 */
export interface HistoryUnit {
  /** Index of the unit's first message in the history. */
  start: number;
  /** Index after the unit's last message. */
  end: number;
  messages: Message[];
}

/** Splits a history into units. Tool messages with no assistant before them form a unit of their own (`orphan`). */
export function splitUnits(messages: readonly Message[]): HistoryUnit[] {
  const units: HistoryUnit[] = [];
  messages.forEach((message, i) => {
    const current = units.at(-1);
    if (message.role === "tool" && current) {
      current.messages.push(message);
      current.end = i + 1;
      return;
    }
    units.push({ start: i, end: i + 1, messages: [message] });
  });
  return units;
}

/** A unit that starts with a tool message has lost its assistant message: it must never open a window. */
export function isOrphanUnit(unit: HistoryUnit): boolean {
  return unit.messages[0]?.role === "tool";
}

/** Index of the last user message, or -1. */
export function lastUserIndex(messages: readonly Message[]): number {
  return messages.findLastIndex((m) => m.role === "user");
}

/**
 * Problems that would make a provider reject the history: tool results not directly after the assistant message
 * that called them, missing results, orphan tool messages. Empty when the history is valid.
 */
export function historyProblems(messages: readonly Message[]): string[] {
  const problems: string[] = [];
  let pending = new Set<string>();
  let answered = new Set<string>();
  messages.forEach((message, i) => {
    if (message.role === "tool") {
      if (!pending.has(message.toolCallId)) {
        const why = answered.has(message.toolCallId) ? "answered twice" : "has no tool call before it";
        problems.push(`message ${i}: tool result ${message.toolCallId} ${why}`);
      }
      pending.delete(message.toolCallId);
      answered.add(message.toolCallId);
      return;
    }
    if (pending.size > 0) problems.push(`message ${i}: tool calls ${[...pending].join(", ")} have no result`);
    pending = new Set(message.role === "assistant" ? (message.toolCalls ?? []).map((c) => c.id) : []);
    answered = new Set();
  });
  // Calls of the last assistant message may still be waiting for their results: that is a turn in progress.
  return problems;
}
