import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import type { AgentEvent } from "../src/core-imports.ts";
import { JsonLinesRenderer } from "../src/render/json-lines-renderer.ts";
import { shorten, shouldUseColor, TerminalRenderer } from "../src/render/terminal-renderer.ts";

const usage = { inputTokens: 1, outputTokens: 1, totalTokens: 2 };
const runId = "run-1";

/** A recorded run: reasoning, a tool call with its result, then the streamed answer. */
const recorded: AgentEvent[] = [
  { type: "run-start", runId, agent: "ai-market-analyst", input: [{ role: "user", content: "Compare" }] },
  { type: "turn-start", runId, turn: 1 },
  { type: "reasoning-delta", runId, turn: 1, text: "Need the " },
  { type: "reasoning-delta", runId, turn: 1, text: "figures." },
  {
    type: "tool-call",
    runId,
    turn: 1,
    call: {
      id: "c1",
      name: "compare_investments",
      arguments: '{"companies":["Alibaba","Tencent"]}',
      input: { companies: ["Alibaba", "Tencent"] },
    },
  },
  { type: "tool-progress", runId, callId: "c1", name: "compare_investments", data: { step: 1 } },
  {
    type: "tool-result",
    runId,
    callId: "c1",
    name: "compare_investments",
    content: '{\n  "midpointDifference": 42\n}',
    durationMs: 1,
  },
  { type: "turn-start", runId, turn: 2 },
  { type: "text-delta", runId, turn: 2, text: "Alibaba invests " },
  { type: "text-delta", runId, turn: 2, text: "$42B more." },
  {
    type: "turn-end",
    runId,
    turn: 2,
    message: { role: "assistant", content: "Alibaba invests $42B more." },
    usage,
    finishReason: "stop",
  },
  { type: "run-end", runId, stopReason: "done", text: "Alibaba invests $42B more.", usage, messages: [] },
];

const capture = (options: { color: boolean; showReasoning: boolean }) => {
  const out: string[] = [];
  const err: string[] = [];
  const renderer = new TerminalRenderer({
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    ...options,
    maxToolText: 60,
  });
  return { renderer, out: () => out.join(""), err: () => err.join("") };
};

describe("TerminalRenderer", () => {
  it("renders reasoning, tool calls and results on their own lines, then the streamed text", () => {
    const { renderer, out, err } = capture({ color: false, showReasoning: true });
    for (const event of recorded) renderer.render(event);
    expect(out()).toBe(
      [
        "Need the figures.",
        '→ compare_investments {"companies":["Alibaba","Tencent"]}',
        '… compare_investments {"step":1}',
        '← compare_investments { "midpointDifference": 42 }',
        "Alibaba invests $42B more.",
        "",
      ].join("\n"),
    );
    expect(err()).toBe("");
  });

  it("hides reasoning with showReasoning off", () => {
    const { renderer, out } = capture({ color: false, showReasoning: false });
    for (const event of recorded) renderer.render(event);
    expect(out()).not.toContain("Need the figures");
    expect(out().startsWith("→ compare_investments")).toBe(true);
  });

  it("dims reasoning and colors tool lines only when color is on", () => {
    const { renderer, out } = capture({ color: true, showReasoning: true });
    for (const event of recorded) renderer.render(event);
    expect(out()).toContain("\u001b[2mNeed the \u001b[22m");
    expect(stripVTControlCharacters(out())).toContain("→ compare_investments");
    expect(out()).not.toBe(stripVTControlCharacters(out()));
  });

  it("shows errors in red with their code on stderr, once", () => {
    const { renderer, out, err } = capture({ color: true, showReasoning: true });
    const error = { code: "model_rate_limited", message: "Too many requests" };
    renderer.render({ type: "run-start", runId, agent: "a", input: [] });
    renderer.render({ type: "text-delta", runId, turn: 1, text: "partial" });
    renderer.render({ type: "error", runId, error });
    renderer.render({
      type: "run-end",
      runId,
      stopReason: "model-error",
      text: "",
      usage,
      messages: [],
      error,
    });
    expect(err()).toBe("\u001b[31merror [model_rate_limited]: Too many requests\u001b[39m\n");
    expect(out()).toBe("partial\n");
  });

  it("renders tool errors, discarded turns and non-done endings", () => {
    const { renderer, out } = capture({ color: false, showReasoning: true });
    renderer.render({
      type: "tool-error",
      runId,
      callId: "c",
      name: "get_company",
      error: { code: "company_not_found", message: "Unknown company" },
      durationMs: 1,
    });
    renderer.render({ type: "text-delta", runId, turn: 1, text: "half" });
    renderer.render({
      type: "turn-discarded",
      runId,
      turn: 1,
      error: { code: "model_server_error", message: "boom" },
    });
    renderer.render({ type: "run-end", runId, stopReason: "cancelled", text: "", usage, messages: [] });
    expect(out()).toBe(
      [
        "← get_company failed [company_not_found] Unknown company",
        "half",
        "(model call failed: model_server_error; retrying, the partial answer above is void)",
        "(cancelled)",
        "",
      ].join("\n"),
    );
  });
});

describe("JsonLinesRenderer", () => {
  it("prints one JSON object per stream event and skips hook points", () => {
    const lines: string[] = [];
    const renderer = new JsonLinesRenderer((t) => lines.push(t));
    renderer.render({ type: "before-model-call", runId, turn: 1, request: { messages: [] } });
    for (const event of recorded) renderer.render(event);
    const parsed = lines
      .join("")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as AgentEvent);
    expect(parsed).toEqual(recorded);
  });
});

describe("helpers", () => {
  it("shortens to one line", () => {
    expect(shorten("a\n  b", 10)).toBe("a b");
    expect(shorten("abcdefghij", 5)).toBe("abcd…");
  });

  it("uses color only on a TTY without NO_COLOR", () => {
    expect(shouldUseColor({ isTTY: true }, {})).toBe(true);
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    expect(shouldUseColor({ isTTY: false }, {})).toBe(false);
  });
});
