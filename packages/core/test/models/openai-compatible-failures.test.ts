import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  ContentFilteredError,
  ContextLengthExceededError,
  ModelBadRequestError,
  ModelNetworkError,
  ModelRateLimitError,
  ModelResponseError,
  ModelTimeoutError,
} from "../../src/errors/errors.ts";
import { parseRetryAfter } from "../../src/models/openai-compatible/http-errors.ts";
import {
  type OpenAICompatibleTimeouts,
  openaiCompatible,
} from "../../src/models/openai-compatible/openai-compatible.ts";
import { type MockResponse, startMockOpenAIServer } from "../../src/testing/mock-openai-server.ts";
import { collectFailure, user } from "./helpers.ts";

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function modelAnswering(response: MockResponse, timeouts?: OpenAICompatibleTimeouts) {
  const server = await startMockOpenAIServer({ responses: [response] });
  servers.push(server);
  return openaiCompatible({ baseURL: server.url, model: "qwen3-max", timeouts });
}

describe("openaiCompatible failure modes", () => {
  it("a connection dropped mid-stream → ModelNetworkError after the partial text", async () => {
    const model = await modelAnswering({ type: "drop", text: "Half an answ" });
    const { events, error } = await collectFailure(model.stream(user("hi")));
    expect(events.map((e) => (e.type === "text-delta" ? e.text : e.type)).join("")).toBe("Half an answ");
    expect(error).toBeInstanceOf(ModelNetworkError);
    expect(error).toMatchObject({ retryable: true, provider: "openai-compatible" });
  });

  it("a stream that ends cleanly but without finish_reason or [DONE] → ModelNetworkError", async () => {
    const body =
      'data: {"id":"c1","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}\n\n';
    const { events, error } = await collectFailure(
      (await modelAnswering({ type: "sse", body })).stream(user("x")),
    );
    expect(events).toEqual([{ type: "text-delta", text: "Hi" }]);
    expect(error).toBeInstanceOf(ModelNetworkError);
    expect((error as Error).message).toContain("ended before the model finished");
  });

  it("a malformed chunk → ModelResponseError", async () => {
    const { error } = await collectFailure((await modelAnswering({ type: "malformed" })).stream(user("hi")));
    expect(error).toBeInstanceOf(ModelResponseError);
    expect((error as Error).message).toContain("malformed JSON");
  });

  it("an error object inside the stream is mapped by its code", async () => {
    const body =
      'data: {"id":"c2","choices":[{"index":0,"delta":{"content":"Sure"},"finish_reason":null}]}\n\n' +
      'data: {"error":{"message":"Output data may contain inappropriate content.","code":"data_inspection_failed"}}\n\n';
    const { events, error } = await collectFailure(
      (await modelAnswering({ type: "sse", body })).stream(user("x")),
    );
    expect(events).toEqual([{ type: "text-delta", text: "Sure" }]);
    expect(error).toBeInstanceOf(ContentFilteredError);
    expect(error).toMatchObject({ providerCode: "data_inspection_failed", requestId: "c2" });
  });

  it("a stalled stream → ModelTimeoutError once idleMs passes without a chunk", async () => {
    const model = await modelAnswering({ type: "stall", text: "Thinking" }, { idleMs: 150 });
    const { events, error } = await collectFailure(model.stream(user("hi")));
    expect(events).toEqual([
      { type: "text-delta", text: "Thin" },
      { type: "text-delta", text: "king" },
    ]);
    expect(error).toBeInstanceOf(ModelTimeoutError);
    expect((error as Error).message).toContain("silent for 150 ms");
  });

  it("a slow consumer does not trip the idle deadline: only time spent waiting on the network counts", async () => {
    const model = await modelAnswering(
      { type: "text", text: "abcdefghijkl", interTokenDelayMs: 10 },
      { idleMs: 100 },
    );
    const texts: string[] = [];
    for await (const event of model.stream(user("hi"))) {
      if (event.type === "text-delta") texts.push(event.text);
      await new Promise((resolve) => setTimeout(resolve, 150)); // the consumer's own work, longer than idleMs
    }
    expect(texts.join("")).toBe("abcdefghijkl");
  });

  it("after a slow consumer, a stall is still caught by the idle deadline", async () => {
    const model = await modelAnswering(
      { type: "stall", text: "abcdefgh", interTokenDelayMs: 10 },
      { idleMs: 100 },
    );
    const texts: string[] = [];
    const { error } = await collectFailure(
      (async function* () {
        for await (const event of model.stream(user("hi"))) {
          if (event.type === "text-delta") texts.push(event.text);
          await new Promise((resolve) => setTimeout(resolve, 150));
          yield event;
        }
      })(),
    );
    expect(texts.join("")).toBe("abcdefgh");
    expect(error).toBeInstanceOf(ModelTimeoutError);
  });

  it("headers without a body → ModelTimeoutError via firstByteMs", async () => {
    const model = await modelAnswering({ type: "stall", text: "" }, { firstByteMs: 150 });
    const { error } = await collectFailure(model.stream(user("hi")));
    expect(error).toBeInstanceOf(ModelTimeoutError);
    expect((error as Error).message).toContain("No response body");
  });

  it("no response headers → ModelTimeoutError via connectMs", async () => {
    const model = await modelAnswering({ type: "stall", beforeHeaders: true }, { connectMs: 150 });
    const { error } = await collectFailure(model.stream(user("hi")));
    expect(error).toBeInstanceOf(ModelTimeoutError);
    expect((error as Error).message).toContain("No response headers");
  });

  it("the caller's AbortSignal cancels a stalled stream and the iterator throws the signal's reason", async () => {
    const server = await startMockOpenAIServer({ responses: [{ type: "stall", text: "Wait" }] });
    servers.push(server);
    let closedByClient!: () => void;
    const connectionClosed = new Promise<void>((resolve) => {
      closedByClient = resolve;
    });
    // Observe the server side: the abort must reach the socket, not just the iterator.
    const model = openaiCompatible({
      baseURL: server.url,
      model: "m",
      fetch: async (url, init) => {
        const response = await fetch(url, init);
        init?.signal?.addEventListener("abort", () => closedByClient(), { once: true });
        return response;
      },
    });
    const controller = new AbortController();
    const reason = new Error("user pressed Ctrl-C");
    const iterator = model.stream(user("hi"), controller.signal)[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ done: false, value: { type: "text-delta", text: "Wait" } });
    const pending = iterator.next();
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await connectionClosed;
  });

  it("an already-aborted signal throws its reason before any request is made", async () => {
    const server = await startMockOpenAIServer({ responses: [{ type: "text", text: "unused" }] });
    servers.push(server);
    const model = openaiCompatible({ baseURL: server.url, model: "m" });
    const reason = new Error("gone");
    const { error } = await collectFailure(model.stream(user("hi"), AbortSignal.abort(reason)));
    expect(error).toBe(reason);
    expect(server.requests).toHaveLength(0);
  });

  it("aborting while waiting for headers stops the request too", async () => {
    const model = await modelAnswering({ type: "stall", beforeHeaders: true });
    const controller = new AbortController();
    const pending = collectFailure(model.stream(user("hi"), controller.signal));
    const reason = new Error("cancelled");
    setImmediate(() => controller.abort(reason));
    expect((await pending).error).toBe(reason);
  });

  it("a refused connection → ModelNetworkError", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const model = openaiCompatible({ baseURL: `http://127.0.0.1:${port}/v1`, model: "m" });
    const { error } = await collectFailure(model.stream(user("hi")));
    expect(error).toBeInstanceOf(ModelNetworkError);
    expect((error as Error).message).toContain("ECONNREFUSED");
  });

  it("maps OpenAI and vLLM error wording and statuses", async () => {
    const cases: [MockResponse, unknown, Record<string, unknown>][] = [
      [
        {
          type: "error",
          status: 400,
          body: {
            error: {
              message: "This model's maximum context length is 32768 tokens.",
              type: "invalid_request_error",
            },
          },
        },
        ContextLengthExceededError,
        {},
      ],
      [
        {
          type: "error",
          status: 400,
          body: { error: { message: "too long", code: "context_length_exceeded" } },
        },
        ContextLengthExceededError,
        {},
      ],
      [
        {
          type: "error",
          status: 404,
          body: { error: { message: "The model `nope` does not exist", code: "model_not_found" } },
        },
        ModelBadRequestError,
        { status: 404, providerCode: "model_not_found" },
      ],
      [{ type: "error", status: 422, body: "not json at all" }, ModelBadRequestError, { status: 422 }],
      [
        {
          type: "error",
          status: 429,
          headers: { "retry-after-ms": "1500" },
          body: { error: { message: "slow down" } },
        },
        ModelRateLimitError,
        { retryAfterMs: 1500 },
      ],
      [
        { type: "error", status: 429, body: { error: { message: "quota", code: "insufficient_quota" } } },
        ModelBadRequestError,
        { status: 429 },
      ],
    ];
    for (const [response, type, fields] of cases) {
      const { error } = await collectFailure((await modelAnswering(response)).stream(user("x")));
      expect(error).toBeInstanceOf(type);
      expect(error).toMatchObject(fields);
    }
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter(new Headers({ "retry-after": "2" }), now)).toBe(2000);
    expect(parseRetryAfter(new Headers({ "retry-after": "0.5" }), now)).toBe(500);
    expect(parseRetryAfter(new Headers({ "retry-after": "Thu, 01 Jan 2026 00:00:03 GMT" }), now)).toBe(3000);
    expect(parseRetryAfter(new Headers({ "retry-after": "Wed, 31 Dec 2025 23:00:00 GMT" }), now)).toBe(0);
    expect(parseRetryAfter(new Headers({ "retry-after": "soon" }), now)).toBeUndefined();
    expect(parseRetryAfter(new Headers(), now)).toBeUndefined();
  });
});
