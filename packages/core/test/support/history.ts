import { expect } from "vitest";
import type { Message } from "../../src/index.ts";

/**
 * The history invariant: every assistant message with tool calls is followed directly by exactly one tool
 * message per call (any order), no tool message stands anywhere else, and the history is non-empty.
 */
export function expectValidHistory(messages: Message[]): void {
  expect(messages.length).toBeGreaterThan(0);
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    if (message.role === "tool") throw new Error(`orphan tool message at ${i}: ${JSON.stringify(message)}`);
    if (message.role !== "assistant" || !message.toolCalls) continue;
    const expected = new Set(message.toolCalls.map((c) => c.id));
    for (let j = 0; j < message.toolCalls.length; j++) {
      const result = messages[i + 1 + j];
      if (result?.role !== "tool") throw new Error(`tool call at ${i} lacks its results`);
      expect(expected.delete(result.toolCallId)).toBe(true);
    }
    expect(expected.size).toBe(0);
    i += message.toolCalls.length;
  }
}
