import { afterEach, describe, expect, it } from "vitest";
import type { ModelRequest } from "../../src/model/model.ts";
import { openaiCompatible } from "../../src/models/openai-compatible/openai-compatible.ts";
import {
  type MockOpenAIServer,
  type MockStep,
  startMockOpenAIServer,
} from "../../src/testing/mock-openai-server.ts";
import { collect, user } from "./helpers.ts";

let server: MockOpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function modelWith(responses: MockStep[], extra: Partial<Parameters<typeof openaiCompatible>[0]> = {}) {
  server = await startMockOpenAIServer({ responses });
  return openaiCompatible({ baseURL: `${server.url}/`, model: "qwen3-max", apiKey: "sk-test", ...extra });
}

describe("openaiCompatible request mapping", () => {
  it("maps a ModelRequest to the Chat Completions body, never sending reasoning back", async () => {
    const model = await modelWith([{ type: "text", text: "ok" }]);
    const request: ModelRequest = {
      system: "You are terse.",
      messages: [
        { role: "user", content: "Price of BABA?" },
        {
          role: "assistant",
          content: "",
          reasoning: "I should look it up.",
          toolCalls: [{ id: "call_1", name: "get_price", arguments: '{"ticker":"BABA"}' }],
        },
        { role: "tool", toolCallId: "call_1", name: "get_price", content: '{"price":88}', isError: false },
      ],
      tools: [
        {
          name: "get_price",
          description: "Last price",
          parameters: { type: "object", properties: { ticker: { type: "string" } } },
        },
      ],
      toolChoice: { name: "get_price" },
      responseFormat: { type: "json_schema", name: "answer", schema: { type: "object" } },
      maxOutputTokens: 256,
      temperature: 0.2,
      parallelToolCalls: true,
      providerOptions: { enable_search: true, top_p: 0.8 },
    };
    await collect(model.stream(request));
    expect(server!.requests[0]!.path).toBe("/v1/chat/completions");
    expect(server!.requests[0]!.body).toEqual({
      model: "qwen3-max",
      messages: [
        { role: "system", content: "You are terse." },
        { role: "user", content: "Price of BABA?" },
        {
          role: "assistant",
          content: "",
          tool_calls: [
            {
              id: "call_1",
              type: "function",
              function: { name: "get_price", arguments: '{"ticker":"BABA"}' },
            },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: '{"price":88}' },
      ],
      stream: true,
      stream_options: { include_usage: true },
      tools: [
        {
          type: "function",
          function: {
            name: "get_price",
            description: "Last price",
            parameters: { type: "object", properties: { ticker: { type: "string" } } },
          },
        },
      ],
      tool_choice: { type: "function", function: { name: "get_price" } },
      response_format: { type: "json_schema", json_schema: { name: "answer", schema: { type: "object" } } },
      max_tokens: 256,
      temperature: 0.2,
      parallel_tool_calls: true,
      enable_search: true,
      top_p: 0.8,
    });
  });

  it("sends the bearer key, custom headers and provider-level body defaults", async () => {
    const model = await modelWith([{ type: "text", text: "ok" }], {
      headers: { "x-trace": "t1" },
      body: { enable_thinking: false },
    });
    await collect(
      model.stream({ ...user("hi"), toolChoice: "none", providerOptions: { enable_thinking: true } }),
    );
    const request = server!.requests[0]!;
    expect(request.headers.authorization).toBe("Bearer sk-test");
    expect(request.headers["x-trace"]).toBe("t1");
    expect(request.body.tool_choice).toBe("none");
    // Request-level providerOptions win over the provider-level defaults.
    expect(request.body.enable_thinking).toBe(true);
    expect(request.body.tools).toBeUndefined();
  });

  it("reads a key function on every call", async () => {
    let key = "first";
    const model = await modelWith(
      [
        { type: "text", text: "a" },
        { type: "text", text: "b" },
      ],
      { apiKey: () => key },
    );
    await collect(model.stream(user("1")));
    key = "second";
    await collect(model.stream(user("2")));
    expect(server!.requests.map((r) => r.headers.authorization)).toEqual(["Bearer first", "Bearer second"]);
  });
});

describe("openaiCompatible stream assembly against the mock server", () => {
  it("assembles tool-call arguments split into many one-character chunks, and passes truncated JSON through", async () => {
    const args = '{"query": "Alibaba AI capex 2025", "limit": 5, "sources": ["news", "filings"]}';
    const truncated = '{"query": "Tencent';
    const model = await modelWith([
      { type: "tool-calls", chunkSize: 1, calls: [{ id: "call_a", name: "search", arguments: args }] },
      { type: "tool-calls", chunkSize: 3, calls: [{ id: "call_b", name: "search", arguments: truncated }] },
    ]);
    const first = await collect(model.stream(user("search")));
    expect(first.filter((e) => e.type === "tool-call")).toEqual([
      { type: "tool-call", call: { id: "call_a", name: "search", arguments: args } },
    ]);
    expect(first.at(-1)).toMatchObject({ type: "finish", reason: "tool-calls" });
    const second = await collect(model.stream(user("again")));
    expect(second.filter((e) => e.type === "tool-call")).toEqual([
      { type: "tool-call", call: { id: "call_b", name: "search", arguments: truncated } },
    ]);
  });

  it("streams text before parallel tool calls and emits the calls whole, in index order", async () => {
    const model = await modelWith([
      {
        type: "tool-calls",
        text: "Checking both.",
        chunkSize: 2,
        calls: [
          { id: "c0", name: "price", arguments: { ticker: "BABA" } },
          { id: "c1", name: "price", arguments: { ticker: "TCEHY" } },
          { id: "c2", name: "news", arguments: {} },
        ],
        usage: { prompt_tokens: 100, completion_tokens: 30 },
      },
    ]);
    const events = await collect(model.stream(user("compare")));
    const text = events.flatMap((e) => (e.type === "text-delta" ? [e.text] : [])).join("");
    expect(text).toBe("Checking both.");
    expect(events.slice(-5)).toEqual([
      { type: "tool-call", call: { id: "c0", name: "price", arguments: '{"ticker":"BABA"}' } },
      { type: "tool-call", call: { id: "c1", name: "price", arguments: '{"ticker":"TCEHY"}' } },
      { type: "tool-call", call: { id: "c2", name: "news", arguments: "{}" } },
      { type: "usage", usage: { inputTokens: 100, outputTokens: 30, totalTokens: 130 } },
      { type: "finish", reason: "tool-calls", requestId: expect.stringMatching(/^chatcmpl-/) },
    ]);
  });

  it("maps reasoning_content, length and content_filter finish reasons", async () => {
    const model = await modelWith([
      { type: "text", reasoning: "Short.", text: "Cut", finishReason: "length" },
      { type: "text", text: "", finishReason: "content_filter" },
    ]);
    const first = await collect(model.stream(user("a")));
    expect(first.filter((e) => e.type !== "usage" && e.type !== "finish")).toEqual([
      { type: "reasoning-delta", text: "Shor" },
      { type: "reasoning-delta", text: "t." },
      { type: "text-delta", text: "Cut" },
    ]);
    expect(first.at(-1)).toMatchObject({ type: "finish", reason: "length" });
    expect((await collect(model.stream(user("b")))).at(-1)).toMatchObject({ reason: "content-filter" });
  });

  it("streams a long response chunk by chunk", async () => {
    const model = await modelWith([{ type: "long-text", chunks: 3000, chunkText: "tok " }]);
    const events = await collect(model.stream(user("long")));
    const deltas = events.filter((e) => e.type === "text-delta");
    expect(deltas).toHaveLength(3000);
    expect(deltas.every((e) => e.text === "tok ")).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: "finish", reason: "stop" });
  });

  it("a consumer that stops early releases the connection and the next call still works", async () => {
    const model = await modelWith([
      { type: "stall", text: "never ending" },
      { type: "text", text: "fine" },
    ]);
    for await (const event of model.stream(user("a"))) {
      expect(event.type).toBe("text-delta");
      break;
    }
    const events = await collect(model.stream(user("b")));
    expect(events[0]).toEqual({ type: "text-delta", text: "fine" });
  });
});
