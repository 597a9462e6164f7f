import { afterEach, describe, expect, it } from "vitest";
import {
  ContentFilteredError,
  ContextLengthExceededError,
  ModelAuthError,
  ModelRateLimitError,
  ModelServerError,
} from "../../src/errors/errors.ts";
import { openaiCompatible } from "../../src/models/openai-compatible/openai-compatible.ts";
import {
  type MockOpenAIServer,
  mockResponseFromFile,
  startMockOpenAIServer,
} from "../../src/testing/mock-openai-server.ts";
import { collect, collectFailure, qwenFixture, user } from "./helpers.ts";

let server: MockOpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function replay(fixture: string) {
  server = await startMockOpenAIServer({ responses: [mockResponseFromFile(qwenFixture(fixture))] });
  return openaiCompatible({ baseURL: server.url, model: "qwen3-max", apiKey: "sk-test" }).stream(user("hi"));
}

describe("openaiCompatible replays the DashScope wire fixtures", () => {
  it("stream-thinking-then-text.sse: reasoning before text, usage with reasoning tokens, finish with the id", async () => {
    expect(await collect(await replay("stream-thinking-then-text.sse"))).toEqual([
      { type: "reasoning-delta", text: "The user asks " },
      { type: "reasoning-delta", text: "how Alibaba's AI " },
      { type: "reasoning-delta", text: "spend compares. " },
      { type: "reasoning-delta", text: "I know the figure: " },
      { type: "reasoning-delta", text: "380B yuan." },
      { type: "text-delta", text: "Alibaba plans " },
      { type: "text-delta", text: "to invest about " },
      { type: "text-delta", text: "380 billion yuan " },
      { type: "text-delta", text: "(~$53B) over three years." },
      {
        type: "usage",
        usage: {
          inputTokens: 31,
          outputTokens: 58,
          totalTokens: 89,
          reasoningTokens: 41,
          cachedInputTokens: 0,
        },
      },
      { type: "finish", reason: "stop", requestId: "chatcmpl-4e4a9c1b-7f3e-9d5a-a0b1-2c3d4e5f6a7b" },
    ]);
  });

  it("stream-tool-call.sse: argument pieces split inside keys assemble into one call", async () => {
    expect(await collect(await replay("stream-tool-call.sse"))).toEqual([
      {
        type: "tool-call",
        call: {
          id: "call_1f2e3d4c5b6a79880f1e2d3c",
          name: "get_ai_investment",
          arguments: '{"company": "Alibaba", "currency": "USD"}',
        },
      },
      { type: "usage", usage: { inputTokens: 264, outputTokens: 24, totalTokens: 288 } },
      { type: "finish", reason: "tool-calls", requestId: "chatcmpl-8a1f0e2d-3c4b-9a8b-b7c6-d5e4f3a2b1c0" },
    ]);
  });

  it("stream-parallel-tool-calls.sse: two calls told apart by index", async () => {
    expect(await collect(await replay("stream-parallel-tool-calls.sse"))).toEqual([
      {
        type: "tool-call",
        call: {
          id: "call_a1b2c3d4e5f60718293a4b5c",
          name: "get_ai_investment",
          arguments: '{"company": "Alibaba"}',
        },
      },
      {
        type: "tool-call",
        call: {
          id: "call_f6e5d4c3b2a1908172635445",
          name: "get_ai_investment",
          arguments: '{"company": "Tencent"}',
        },
      },
      { type: "usage", usage: { inputTokens: 270, outputTokens: 40, totalTokens: 310 } },
      { type: "finish", reason: "tool-calls", requestId: "chatcmpl-0b9c8d7e-6f5a-4b3c-2d1e-0f9a8b7c6d5e" },
    ]);
  });

  it("nonstream-tool-call.json: a server that answers with one JSON body still gives the same events", async () => {
    expect(await collect(await replay("nonstream-tool-call.json"))).toEqual([
      {
        type: "tool-call",
        call: {
          id: "call_3c2b1a0f9e8d7c6b5a4f3e2d",
          name: "get_ai_investment",
          arguments: '{"company": "Huawei"}',
        },
      },
      { type: "usage", usage: { inputTokens: 262, outputTokens: 22, totalTokens: 284 } },
      { type: "finish", reason: "tool-calls", requestId: "chatcmpl-5d6e7f80-9a1b-2c3d-4e5f-6a7b8c9d0e1f" },
    ]);
  });

  it("error-401-invalid-key.json → ModelAuthError with the provider's message, code and request id", async () => {
    const { events, error } = await collectFailure(await replay("error-401-invalid-key.json"));
    expect(events).toEqual([]);
    expect(error).toBeInstanceOf(ModelAuthError);
    expect(error).toMatchObject({
      code: "model_auth",
      message: "Incorrect API key provided. ",
      status: 401,
      requestId: "0a1b2c3d-4e5f-6789-abcd-ef0123456789",
      providerCode: "invalid_api_key",
      retryable: false,
    });
  });

  it("error-429-rate-limit.json → ModelRateLimitError with retryAfterMs from Retry-After", async () => {
    const { error } = await collectFailure(await replay("error-429-rate-limit.json"));
    expect(error).toBeInstanceOf(ModelRateLimitError);
    expect(error).toMatchObject({
      status: 429,
      retryAfterMs: 2000,
      retryable: true,
      providerCode: "limit_requests",
      requestId: "1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901",
      message: "Requests rate limit exceeded, please try again later.",
    });
  });

  it("error-500-internal.json → ModelServerError (retryable)", async () => {
    const { error } = await collectFailure(await replay("error-500-internal.json"));
    expect(error).toBeInstanceOf(ModelServerError);
    expect(error).toMatchObject({ status: 500, retryable: true, providerCode: "internal_error" });
  });

  it("error-400-content-filter.json → ContentFilteredError (data_inspection_failed)", async () => {
    const { error } = await collectFailure(await replay("error-400-content-filter.json"));
    expect(error).toBeInstanceOf(ContentFilteredError);
    expect(error).toMatchObject({
      code: "content_filtered",
      status: 400,
      providerCode: "data_inspection_failed",
      requestId: "2c3d4e5f-6071-8293-a4b5-c6d7e8f90a1b",
      retryable: false,
    });
  });

  it("error-400-context-length.json → ContextLengthExceededError (DashScope's 'Range of input length')", async () => {
    const { error } = await collectFailure(await replay("error-400-context-length.json"));
    expect(error).toBeInstanceOf(ContextLengthExceededError);
    expect(error).toMatchObject({ status: 400, providerCode: "invalid_parameter_error", retryable: false });
    expect((error as Error).message).toContain("Range of input length should be [1, 258048]");
  });
});
