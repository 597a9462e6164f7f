// The agent loop against a real HTTP model boundary: the mock OpenAI-compatible server (a test double) replays
// the failures of real providers, and every one must end in a clean retry or a clean typed error, with a valid
// history.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  Agent,
  type AgentEvent,
  type AgentOptions,
  AgentRunError,
  openaiCompatible,
  type Plugin,
  type RunResult,
  tool,
} from "../../src/index.ts";
import {
  type MockOpenAIServer,
  type MockStep,
  mockResponseFromFile,
  startMockOpenAIServer,
} from "../../src/testing/index.ts";
import { expectValidHistory } from "../support/history.ts";

const fixture = (name: string) =>
  new URL(`../../../../../shared/fixtures/qwen/${name}`, import.meta.url).pathname;

const echo = tool({
  name: "echo",
  description: "Echoes its text",
  input: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
  run: ({ text }: any) => `echo: ${text}`,
});

let server: MockOpenAIServer;
let retries: number[];
const recordRetries: Plugin = {
  name: "record-retries",
  hooks: {
    "after-model-call": (e) => {
      if (e.retry) retries.push(e.retry.delayMs);
    },
  },
};

async function start(responses: MockStep[]) {
  server = await startMockOpenAIServer({ responses });
}
beforeEach(() => {
  retries = [];
});
afterEach(async () => {
  await server?.close();
});

function agent(extra: Partial<AgentOptions> = {}) {
  return new Agent({
    name: "wire",
    instructions: "Use tools when asked.",
    model: openaiCompatible({
      baseURL: server.url,
      model: "qwen3-max",
      timeouts: { idleMs: 200, firstByteMs: 2_000 },
    }),
    tools: [echo],
    retry: { baseDelayMs: 1, maxDelayMs: 50 },
    plugins: [recordRetries],
    ...extra,
  });
}

async function run(a: Agent, input = "hi"): Promise<{ result: RunResult; events: AgentEvent[] }> {
  const events: AgentEvent[] = [];
  const stream = a.stream(input);
  for await (const e of stream) events.push(e);
  return { result: await stream.result, events };
}

describe("agent over the wire: failures end in a clean retry or a clean typed error", () => {
  it("429 with Retry-After is retried after the provider's delay", async () => {
    await start([
      { type: "error", status: 429, headers: { "retry-after-ms": "7" } },
      { type: "text", text: "after the limit" },
    ]);
    const { result } = await run(
      agent({ retry: { baseDelayMs: 10_000, maxDelayMs: 60_000, random: () => 0.99 } }),
    );
    expect(result.text).toBe("after the limit");
    expect(retries).toEqual([7]);
    expect(server.requests).toHaveLength(2);
    expectValidHistory(result.messages);
  });

  it("500 twice then success; 500 three times is a typed model error with a valid history", async () => {
    await start([
      { type: "error", status: 500 },
      { type: "error", status: 500 },
      { type: "text", text: "third time lucky" },
    ]);
    expect((await run(agent())).result.text).toBe("third time lucky");
    await server.close();

    await start([
      { type: "error", status: 500 },
      { type: "error", status: 500 },
      { type: "error", status: 500 },
    ]);
    const error = await agent()
      .run("hi")
      .catch((e) => e);
    expect(error).toBeInstanceOf(AgentRunError);
    expect(error.code).toBe("model_server_error");
    expect(error.stopReason).toBe("model-error");
    expect(error.result.messages).toEqual([{ role: "user", content: "hi" }]);
  });

  it("a connection dropped mid-stream discards the partial turn and replays it cleanly", async () => {
    await start([
      { type: "drop", text: "half of the ans" },
      { type: "text", text: "the whole answer" },
    ]);
    const { result, events } = await run(agent());
    const discarded = events.findIndex((e) => e.type === "turn-discarded");
    expect(discarded).toBeGreaterThan(events.findIndex((e) => e.type === "text-delta"));
    const replayed = events.slice(discarded).flatMap((e) => (e.type === "text-delta" ? [e.text] : []));
    expect(replayed.join("")).toBe("the whole answer");
    expect(result.messages.at(-1)).toEqual({ role: "assistant", content: "the whole answer" });
  });

  it("a malformed chunk is a typed error, retried", async () => {
    await start([{ type: "malformed" }, { type: "text", text: "clean" }]);
    const { result, events } = await run(agent());
    expect(events.find((e) => e.type === "after-model-call" && e.error)).toMatchObject({
      error: { code: "model_invalid_response" },
    });
    expect(result.text).toBe("clean");
  });

  it("a stream that stalls hits the idle deadline and is retried", async () => {
    await start([
      { type: "stall", text: "thinking" },
      { type: "text", text: "unstuck" },
    ]);
    const { result, events } = await run(agent());
    expect(events.find((e) => e.type === "after-model-call" && e.error)).toMatchObject({
      error: { code: "model_timeout" },
    });
    expect(result.text).toBe("unstuck");
  });

  it("cancelling a stalled stream ends the run at once as cancelled", async () => {
    await start([{ type: "stall", text: "" }]);
    const controller = new AbortController();
    const a = new Agent({ name: "c", model: openaiCompatible({ baseURL: server.url, model: "m" }) });
    const events: AgentEvent[] = [];
    const stream = a.stream("hi", { signal: controller.signal });
    for await (const e of stream) {
      events.push(e);
      if (e.type === "before-model-call") queueMicrotask(() => controller.abort());
    }
    const result = await stream.result;
    expect(result.stopReason).toBe("cancelled");
    expect(result.messages).toEqual([{ role: "user", content: "hi" }]);
  });

  it("truncated tool-call JSON goes back to the model as a tool error it can correct", async () => {
    await start([
      { type: "tool-calls", calls: [{ id: "c1", name: "echo", arguments: '{"text": "abc' }] },
      { type: "tool-calls", calls: [{ id: "c2", name: "echo", arguments: { text: "abc" } }] },
      { type: "text", text: "fixed it" },
    ]);
    const { result } = await run(agent());
    expect(result.text).toBe("fixed it");
    const second = server.requests[1]!.body;
    expect(second.messages.at(-1)).toMatchObject({ role: "tool", tool_call_id: "c1" });
    expect(second.messages.at(-1).content).toMatch(/Invalid JSON/);
    expect(result.messages.filter((m) => m.role === "tool").map((m) => m.content)).toEqual([
      expect.stringMatching(/Invalid JSON/),
      "echo: abc",
    ]);
    expectValidHistory(result.messages);
  });

  it("401 and content filtering are not retried and keep their provider message", async () => {
    await start([mockResponseFromFile(fixture("error-401-invalid-key.json"))]);
    const auth = await agent()
      .run("hi")
      .catch((e) => e);
    expect(auth.code).toBe("model_auth");
    expect(server.requests).toHaveLength(1);
    await server.close();

    await start([mockResponseFromFile(fixture("error-400-content-filter.json"))]);
    const filtered = await agent()
      .run("hi")
      .catch((e) => e);
    expect(filtered.code).toBe("content_filtered");
    expect(filtered.message.length).toBeGreaterThan(0);
    expect(retries).toEqual([]);
    expectValidHistory(filtered.result.messages);
  });

  it("replays Qwen's parallel tool-call stream: both tools run, results committed with the call", async () => {
    await start([
      mockResponseFromFile(fixture("stream-parallel-tool-calls.sse")),
      { type: "text", text: "both done" },
    ]);
    const companies: unknown[] = [];
    const investments = tool({
      name: "get_ai_investment",
      description: "AI investment of a company",
      input: { type: "object", properties: { company: { type: "string" } }, required: ["company"] },
      run: (input: { company: string }) => {
        companies.push(input.company);
        return { company: input.company, usdBillions: 10 };
      },
    });
    const { result } = await run(agent({ tools: [investments] }));
    expect(result.text).toBe("both done");
    expectValidHistory(result.messages);
    expect(companies).toHaveLength(2);
    const results = result.messages.filter((m) => m.role === "tool");
    expect(results.map((m) => m.isError)).toEqual([undefined, undefined]);
  });
});
