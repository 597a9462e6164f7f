import { afterEach, describe, expect, it } from "vitest";
import type { AfterModelCallEvent } from "../../src/agent/events.ts";
import {
  ContentFilteredError,
  ContextLengthExceededError,
  ModelAuthError,
  ModelBadRequestError,
  ModelNetworkError,
  ModelRateLimitError,
  ModelResponseError,
  ModelServerError,
  ModelTimeoutError,
  RunCancelledError,
} from "../../src/errors/errors.ts";
import { openaiCompatible } from "../../src/models/openai-compatible/openai-compatible.ts";
import { modelRetry, modelRetryDelay } from "../../src/plugins/model-retry.ts";
import {
  type MockOpenAIServer,
  mockResponseFromFile,
  startMockOpenAIServer,
} from "../../src/testing/mock-openai-server.ts";
import { collectFailure, qwenFixture, user } from "./helpers.ts";

const half = () => 0.5;
const server500 = () => new ModelServerError("boom", { status: 500 });

function afterCall(attempt: number, error?: AfterModelCallEvent["error"]): AfterModelCallEvent {
  return { type: "after-model-call", runId: "r1", turn: 1, attempt, error };
}

function runHook(event: AfterModelCallEvent, options = {}): AfterModelCallEvent {
  const hook = modelRetry({ random: half, ...options }).hooks["after-model-call"];
  if (typeof hook !== "function") throw new Error("model-retry has no after-model-call handler");
  hook(event);
  return event;
}

describe("modelRetryDelay", () => {
  it("backs off exponentially with full jitter until maxAttempts is used", () => {
    const options = { random: half, maxAttempts: 4, baseDelayMs: 500 };
    expect(modelRetryDelay(server500(), 1, options)).toBe(250);
    expect(modelRetryDelay(server500(), 2, options)).toBe(500);
    expect(modelRetryDelay(server500(), 3, options)).toBe(1000);
    expect(modelRetryDelay(server500(), 4, options)).toBeUndefined();
    expect(modelRetryDelay(server500(), 1, { random: () => 0 })).toBe(0);
    expect(modelRetryDelay(server500(), 1, { random: () => 0.999 })).toBe(499);
  });

  it("caps the backoff at maxDelayMs", () => {
    expect(modelRetryDelay(server500(), 12, { random: half, maxAttempts: 20 })).toBe(10_000);
    expect(modelRetryDelay(server500(), 12, { random: () => 0.999, maxAttempts: 20, maxDelayMs: 1000 })).toBe(
      999,
    );
  });

  it("uses Retry-After as is when present, capped at maxDelayMs", () => {
    const limited = (ms: number) => new ModelRateLimitError("slow down", { status: 429, retryAfterMs: ms });
    expect(modelRetryDelay(limited(2000), 1, { random: half })).toBe(2000);
    expect(modelRetryDelay(limited(0), 2, { random: half })).toBe(0);
    expect(modelRetryDelay(limited(90_000), 1, { random: half })).toBe(20_000);
    expect(modelRetryDelay(limited(2000), 3, { random: half })).toBeUndefined();
  });

  it("retries only retryable model errors", () => {
    for (const error of [
      new ModelRateLimitError("x"),
      server500(),
      new ModelNetworkError("x"),
      new ModelTimeoutError("x"),
      new ModelResponseError("x"),
    ]) {
      expect(modelRetryDelay(error, 1, { random: half })).toBe(250);
    }
    for (const error of [
      new ModelAuthError("x"),
      new ModelBadRequestError("x"),
      new ContextLengthExceededError("x"),
      new ContentFilteredError("x"),
      new RunCancelledError(),
      new Error("plain"),
    ]) {
      expect(modelRetryDelay(error, 1, { random: half })).toBeUndefined();
    }
  });
});

describe("modelRetry plugin", () => {
  it("sets event.retry on after-model-call for a retryable failure", () => {
    expect(runHook(afterCall(1, server500())).retry).toEqual({ delayMs: 250 });
    expect(runHook(afterCall(2, server500())).retry).toEqual({ delayMs: 500 });
  });

  it("leaves the event alone when the budget is spent, the call succeeded or the error is final", () => {
    expect(runHook(afterCall(3, server500())).retry).toBeUndefined();
    expect(runHook(afterCall(1)).retry).toBeUndefined();
    expect(runHook(afterCall(1, new ModelAuthError("bad key"))).retry).toBeUndefined();
    expect(runHook(afterCall(1, server500()), { maxAttempts: 1 }).retry).toBeUndefined();
  });

  it("keeps a retry an earlier hook already asked for", () => {
    const event = { ...afterCall(1, server500()), retry: { delayMs: 7 } };
    expect(runHook(event).retry).toEqual({ delayMs: 7 });
  });
});

describe("modelRetry with the adapter's errors", () => {
  let server: MockOpenAIServer | undefined;
  afterEach(async () => {
    await server?.close();
  });

  it("a 429 with Retry-After from the wire waits exactly that long", async () => {
    server = await startMockOpenAIServer({
      responses: [mockResponseFromFile(qwenFixture("error-429-rate-limit.json"))],
    });
    const model = openaiCompatible({ baseURL: server.url, model: "qwen3-max" });
    const { error } = await collectFailure(model.stream(user("hi")));
    expect(runHook(afterCall(1, error as ModelRateLimitError)).retry).toEqual({ delayMs: 2000 });
  });
});
