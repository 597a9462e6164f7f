import { describe, expect, it } from "vitest";
import type { AgentEvent } from "../app/api/types.ts";
import { reduceEvents } from "../app/lib/conversation.ts";

const usage = { inputTokens: 5, outputTokens: 2, totalTokens: 7 };
const run = "run_1";

describe("the console's conversation reducer", () => {
  it("merges streamed deltas per turn, follows tool calls to their results, and ends the run", () => {
    const events: AgentEvent[] = [
      { type: "run-start", runId: run, agent: "a", input: [{ role: "user", content: "hi" }] },
      { type: "reasoning-delta", runId: run, turn: 1, text: "Think" },
      { type: "reasoning-delta", runId: run, turn: 1, text: "ing." },
      { type: "text-delta", runId: run, turn: 1, text: "Let me " },
      { type: "text-delta", runId: run, turn: 1, text: "look." },
      { type: "tool-call", runId: run, turn: 1, call: { id: "c1", name: "lookup", arguments: '{"q":1}' } },
      { type: "tool-call", runId: run, turn: 1, call: { id: "c2", name: "fail", arguments: "{}" } },
      { type: "tool-result", runId: run, callId: "c1", name: "lookup", content: "42", durationMs: 3 },
      {
        type: "tool-error",
        runId: run,
        callId: "c2",
        name: "fail",
        error: { code: "tool_failed", message: "boom" },
        durationMs: 1,
      },
      { type: "text-delta", runId: run, turn: 2, text: "It is 42." },
      { type: "run-end", runId: run, stopReason: "done", text: "It is 42.", usage },
    ];
    expect(reduceEvents(events).map(({ key: _key, ...item }) => item)).toEqual([
      { kind: "user", runId: run, text: "hi" },
      { kind: "assistant", runId: run, turn: 1, text: "Let me look.", reasoning: "Thinking." },
      {
        kind: "tool",
        runId: run,
        callId: "c1",
        name: "lookup",
        arguments: '{"q":1}',
        status: "done",
        result: "42",
        durationMs: 3,
      },
      {
        kind: "tool",
        runId: run,
        callId: "c2",
        name: "fail",
        arguments: "{}",
        status: "error",
        result: "boom",
        durationMs: 1,
      },
      { kind: "assistant", runId: run, turn: 2, text: "It is 42.", reasoning: "" },
      { kind: "end", runId: run, stopReason: "done", usage, error: undefined },
    ]);
  });

  it("drops a discarded turn's partial text (the model is called again) and shows errors", () => {
    const events: AgentEvent[] = [
      { type: "text-delta", runId: run, turn: 1, text: "partial" },
      { type: "turn-discarded", runId: run, turn: 1 },
      { type: "text-delta", runId: run, turn: 1, text: "whole answer" },
      { type: "error", runId: run, error: { code: "model_error", message: "The model failed" } },
    ];
    const items = reduceEvents(events);
    expect(items.filter((i) => i.kind === "assistant").map((i) => i.kind === "assistant" && i.text)).toEqual([
      "whole answer",
    ]);
    expect(items.at(-1)).toMatchObject({ kind: "error", message: "The model failed" });
    // Keys stay unique, so React keeps each item's state.
    expect(new Set(items.map((i) => i.key)).size).toBe(items.length);
  });
});
