import { describe, expect, it } from "vitest";
import {
  Agent,
  type AgentEvent,
  AgentRunError,
  ModelAuthError,
  ModelServerError,
  type Plugin,
  type RunResult,
  tool,
} from "../../src/index.ts";
import { scriptedModel } from "../../src/testing/index.ts";
import { expectValidHistory } from "../support/history.ts";

const echo = tool({
  name: "echo",
  description: "Echoes its text",
  input: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
  run: ({ text }: any) => text,
});

const explode = tool({
  name: "explode",
  description: "Always throws",
  input: { type: "object", properties: {} },
  run: () => {
    throw new Error("kaboom");
  },
});

/** Runs and returns the result whether the run succeeded or threw AgentRunError. */
async function settle(promise: Promise<RunResult>): Promise<RunResult> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof AgentRunError) return error.result;
    throw error;
  }
}

/** Proves a history is re-invokable: a new run on it succeeds and the model sees it whole. */
async function expectReinvokable(messages: RunResult["messages"]) {
  expectValidHistory(messages);
  const model = scriptedModel([{ text: "again" }]);
  const result = await new Agent({ name: "again", model, tools: [echo, explode] }).run("continue", {
    history: messages,
  });
  expect(result.stopReason).toBe("done");
  expect(model.requests[0]!.messages).toHaveLength(messages.length + 1);
}

describe("every ending leaves a valid, re-invokable history", () => {
  it("done", async () => {
    const result = await new Agent({ name: "a", model: scriptedModel([{ text: "ok" }]) }).run("hi");
    expect(result.stopReason).toBe("done");
    await expectReinvokable(result.messages);
  });

  it("model error: typed error, the partial turn is not committed", async () => {
    const model = scriptedModel([
      { toolCalls: [{ name: "echo", arguments: { text: "x" } }] },
      { error: new ModelAuthError("bad key", { status: 401 }), textBeforeError: "partial " },
    ]);
    const error = await new Agent({ name: "a", model, tools: [echo] }).run("hi").catch((e) => e);
    expect(error).toBeInstanceOf(AgentRunError);
    expect(error.code).toBe("model_auth");
    expect(error.stopReason).toBe("model-error");
    const { messages } = error.result as RunResult;
    expect(messages.map((m) => m.role)).toEqual(["user", "assistant", "tool"]);
    await expectReinvokable(messages);
  });

  it("a retry plugin replays a failed turn cleanly and says so with turn-discarded", async () => {
    const model = scriptedModel([
      { error: new ModelServerError("boom", { status: 500 }), textBeforeError: "half an ans" },
      { text: "whole answer" },
    ]);
    const retryOnce: Plugin = {
      name: "retry-once",
      hooks: {
        "after-model-call": (e) => {
          if (e.error && e.attempt < 2) e.retry = { delayMs: 0 };
        },
      },
    };
    const hooked: string[] = [];
    const spy: Plugin = {
      name: "spy",
      hooks: {
        "turn-discarded": (e) => void hooked.push(`discarded turn ${e.turn}`),
        "after-model-call": (e) => void hooked.push(`attempt ${e.attempt} ${e.error ? "failed" : "ok"}`),
      },
    };
    const events: AgentEvent[] = [];
    const stream = new Agent({ name: "a", model, plugins: [retryOnce, spy], retry: false }).stream("hi");
    for await (const e of stream) events.push(e);
    const result = await stream.result;
    expect(result.text).toBe("whole answer");
    const discarded = events.findIndex((e) => e.type === "turn-discarded");
    expect(discarded).toBeGreaterThan(0);
    const after = events
      .slice(discarded)
      .flatMap((e) => (e.type === "text-delta" ? [e.text] : []))
      .join("");
    expect(after).toBe("whole answer");
    expect(result.messages).toEqual([
      { role: "user", content: "hi" },
      { role: "assistant", content: "whole answer" },
    ]);
    expect(hooked).toEqual(["attempt 1 failed", "discarded turn 1", "attempt 2 ok"]);
  });

  it("tool error: a thrown error goes back to the model, which may recover", async () => {
    const model = scriptedModel([
      { toolCalls: [{ name: "explode", arguments: {} }] },
      { text: "sorry, it failed" },
    ]);
    const events: AgentEvent[] = [];
    const stream = new Agent({ name: "a", model, tools: [explode] }).stream("hi");
    for await (const e of stream) events.push(e);
    expect(events.find((e) => e.type === "tool-error")).toMatchObject({
      name: "explode",
      error: { message: "kaboom" },
    });
    expect(model.requests[1]!.messages.at(-1)).toMatchObject({
      role: "tool",
      content: "kaboom",
      isError: true,
    });
    const result = await stream.result;
    expect(result.stopReason).toBe("done");
    await expectReinvokable(result.messages);
  });

  it("invalid JSON, unknown tools and schema violations are tool errors; N consecutive failures stop the run", async () => {
    const model = scriptedModel([
      { toolCalls: [{ name: "echo", arguments: '{"text": "unterminated' }] },
      { toolCalls: [{ name: "nope", arguments: {} }] },
      { toolCalls: [{ name: "echo", arguments: { text: 42 } }] },
      { text: "never reached" },
    ]);
    const error = await new Agent({ name: "a", model, tools: [echo] }).run("hi").catch((e) => e);
    expect(error).toBeInstanceOf(AgentRunError);
    expect(error.stopReason).toBe("tool-error");
    expect(error.code).toBe("tool_failures_exceeded");
    const tools = (error.result as RunResult).messages.filter((m) => m.role === "tool");
    expect(tools[0]!.content).toMatch(/Invalid JSON/);
    expect(tools[1]!.content).toMatch(/Unknown tool "nope"\. Available tools: echo/);
    expect(tools[2]!.content).toMatch(/Invalid arguments for echo/);
    expect(model.remaining).toBe(1);
    await expectReinvokable(error.result.messages);
  });

  it("a success resets the consecutive failure count", async () => {
    const model = scriptedModel([
      { toolCalls: [{ name: "explode", arguments: {} }] },
      { toolCalls: [{ name: "explode", arguments: {} }] },
      { toolCalls: [{ name: "echo", arguments: { text: "fine" } }] },
      { toolCalls: [{ name: "explode", arguments: {} }] },
      { text: "recovered" },
    ]);
    const result = await new Agent({ name: "a", model, tools: [echo, explode] }).run("hi");
    expect(result.text).toBe("recovered");
  });

  it("a tool past its deadline gives a tool error, even if it ignores its signal", async () => {
    const stuck = tool({
      name: "stuck",
      description: "Never finishes",
      input: { type: "object", properties: {} },
      timeoutMs: 20,
      run: () => new Promise(() => {}),
    });
    const model = scriptedModel([{ toolCalls: [{ name: "stuck", arguments: {} }] }, { text: "gave up" }]);
    const result = await new Agent({ name: "a", model, tools: [stuck] }).run("hi");
    expect(result.messages[2]).toMatchObject({
      role: "tool",
      isError: true,
      content: "Tool stuck did not finish within 20 ms",
    });
    await expectReinvokable(result.messages);
  });

  it("cancelled while the model streams: the run stops, history ends before the partial turn", async () => {
    const controller = new AbortController();
    const model = scriptedModel([{ hang: true }]);
    const stream = new Agent({ name: "a", model }).stream("hi", { signal: controller.signal });
    const events: AgentEvent[] = [];
    for await (const e of stream) {
      events.push(e);
      if (e.type === "before-model-call") controller.abort();
    }
    const result = await stream.result;
    expect(result.stopReason).toBe("cancelled");
    expect(result.messages).toEqual([{ role: "user", content: "hi" }]);
    await expectReinvokable(result.messages);
  });

  it("cancelled while tools run: unfinished tools get a cancelled result, committed with their call", async () => {
    const controller = new AbortController();
    let sawAbort = false;
    const waits = tool({
      name: "waits",
      description: "Waits until cancelled",
      input: { type: "object", properties: {} },
      run: (_input: unknown, ctx) =>
        new Promise((_, reject) =>
          ctx.signal.addEventListener("abort", () => {
            sawAbort = true;
            reject(ctx.signal.reason);
          }),
        ),
    });
    const model = scriptedModel([
      {
        toolCalls: [
          { name: "echo", arguments: { text: "quick" } },
          { name: "waits", arguments: {} },
        ],
      },
    ]);
    const agent = new Agent({
      name: "a",
      model,
      tools: [echo, waits],
      plugins: [{ name: "cancel", hooks: { "tool-result": () => controller.abort() } }],
    });
    const error = await agent.run("hi", { signal: controller.signal }).catch((e) => e);
    expect(error).toBeInstanceOf(AgentRunError);
    expect(error.stopReason).toBe("cancelled");
    expect(sawAbort).toBe(true);
    const messages = (error.result as RunResult).messages;
    expect(messages.slice(2)).toEqual([
      { role: "tool", toolCallId: expect.any(String), name: "echo", content: "quick" },
      {
        role: "tool",
        toolCallId: expect.any(String),
        name: "waits",
        content: "Tool waits was cancelled",
        isError: true,
      },
    ]);
    await expectReinvokable(messages);
  });

  it("max turns", async () => {
    const model = scriptedModel(
      Array.from({ length: 5 }, () => ({ toolCalls: [{ name: "echo", arguments: { text: "again" } }] })),
    );
    const result = await new Agent({ name: "a", model, tools: [echo], maxTurns: 2 }).run("loop");
    expect(result.stopReason).toBe("max-turns");
    expect(model.requests).toHaveLength(2);
    await expectReinvokable(result.messages);
  });

  it("max tokens over the run", async () => {
    const model = scriptedModel(
      Array.from({ length: 5 }, () => ({
        toolCalls: [{ name: "echo", arguments: { text: "again" } }],
        usage: { inputTokens: 60, outputTokens: 10 },
      })),
    );
    const result = await new Agent({ name: "a", model, tools: [echo] }).run("loop", { maxTokens: 100 });
    expect(result.stopReason).toBe("max-tokens");
    expect(result.usage.totalTokens).toBe(140);
    await expectReinvokable(result.messages);
  });

  it("no model: a clear error naming the variables", async () => {
    const error = await new Agent({ name: "a" }).run("hi").catch((e) => e);
    expect(error.code).toBe("model_not_configured");
    expect(error.message).toMatch(/SKEIN_MODEL.*SKEIN_BASE_URL.*DASHSCOPE_API_KEY/);
    expect(error.result.messages).toEqual([{ role: "user", content: "hi" }]);
  });

  it("a throwing hook ends the run with an error, not a crash", async () => {
    const model = scriptedModel([
      { toolCalls: [{ name: "echo", arguments: { text: "x" } }] },
      { text: "fine" },
    ]);
    const broken: Plugin = {
      name: "broken",
      hooks: {
        "tool-result": () => {
          throw new Error("hook bug");
        },
      },
    };
    const error = await new Agent({ name: "a", model, tools: [echo], plugins: [broken] })
      .run("hi")
      .catch((e) => e);
    expect(error.stopReason).toBe("error");
    expect(error.message).toBe("hook bug");
    await expectReinvokable(error.result.messages);
  });
});

describe("settle helper", () => {
  it("returns results of failed runs", async () => {
    const result = await settle(new Agent({ name: "a" }).run("x"));
    expect(result.stopReason).toBe("error");
  });
});
