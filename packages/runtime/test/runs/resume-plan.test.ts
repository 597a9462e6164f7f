import type { AgentEvent, Message } from "@skein/core";
import { describe, expect, it } from "vitest";
import { planResume } from "../../src/runs/resume-plan.ts";
import type { SessionEvent } from "../../src/store/store.ts";

const usage = { inputTokens: 1, outputTokens: 1, totalTokens: 2 };
const base: Message[] = [
  { role: "user", content: "earlier" },
  { role: "assistant", content: "earlier answer" },
];
const stored = (events: AgentEvent[]): SessionEvent[] =>
  events.map((data, i) => ({
    tenantId: "t",
    sessionId: "s",
    seq: 10 + i,
    runId: "r",
    type: data.type,
    data,
    createdAt: 0,
  }));
const start: AgentEvent = {
  type: "run-start",
  runId: "r",
  agent: "a",
  input: [{ role: "user", content: "now" }],
};
const turnStart = (turn: number): AgentEvent => ({ type: "turn-start", runId: "r", turn });
const answer = (turn: number, content: string): AgentEvent => ({
  type: "turn-end",
  runId: "r",
  turn,
  usage,
  finishReason: "stop",
  message: { role: "assistant", content },
});

describe("planResume", () => {
  it("calls the model from the run's input when no turn was committed", () => {
    const plan = planResume(base, stored([start, turnStart(1)]));
    expect(plan).toMatchObject({ turnOffset: 0, startedTurn: 1, baseLength: 2, pending: [] });
    expect(plan.replay).toBeUndefined();
    expect(plan.unfinishedTurn).toEqual({ turn: 1, seq: 11 });
    expect(plan.history).toEqual([...base, { role: "user", content: "now" }]);
  });

  it("replays a final answer that was followed by a new turn (structured output asked again)", () => {
    const plan = planResume(base, stored([start, turnStart(1), answer(1, "{bad json"), turnStart(2)]));
    expect(plan.replay?.message).toEqual({ role: "assistant", content: "{bad json" });
    expect(plan).toMatchObject({ turnOffset: 0, startedTurn: 2, unfinishedTurn: { turn: 2, seq: 13 } });
    // The loop gets the history without the replayed answer: replaying it re-adds it and the same correction.
    expect(plan.history).toEqual([...base, { role: "user", content: "now" }]);
  });

  it("goes on with the model after a tool turn whose every result is committed", () => {
    const plan = planResume(
      base,
      stored([
        start,
        turnStart(1),
        {
          type: "turn-end",
          runId: "r",
          turn: 1,
          usage,
          finishReason: "tool-calls",
          message: { role: "assistant", content: "", toolCalls: [{ id: "c1", name: "t", arguments: "{}" }] },
        },
        {
          type: "tool-error",
          runId: "r",
          callId: "c1",
          name: "t",
          error: { code: "x", message: "no" },
          durationMs: 1,
        },
      ]),
    );
    expect(plan.replay).toBeUndefined();
    expect(plan).toMatchObject({ turnOffset: 1, startedTurn: 1, pending: [] });
    expect(plan.unfinishedTurn).toBeUndefined();
    expect(plan.history.at(-1)).toEqual({
      role: "tool",
      toolCallId: "c1",
      name: "t",
      content: "no",
      isError: true,
    });
  });
});
