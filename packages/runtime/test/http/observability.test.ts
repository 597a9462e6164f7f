import { Writable } from "node:stream";
import { computeCost, qwen } from "@skein/core";
import { type MockOpenAIServer, scriptedModel, startMockOpenAIServer } from "@skein/core/testing";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logging/logger.ts";
import { makeAgent, readSse, startTestServer, type TestServer } from "./harness.ts";

let t: TestServer | undefined;
let mock: MockOpenAIServer | undefined;
afterEach(async () => {
  await t?.close();
  await mock?.close();
  t = undefined;
  mock = undefined;
});

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("request ids and run ids", () => {
  it("echoes a valid X-Request-Id, generates one otherwise, and logs it with the run id", async () => {
    t = await startTestServer([makeAgent("echo", scriptedModel([{ text: "logged" }]))]);
    const given = await t.call("/v1/agents", { headers: { "x-request-id": "req-123.abc" } });
    expect(given.headers.get("x-request-id")).toBe("req-123.abc");
    expect((await t.call("/v1/agents")).headers.get("x-request-id")).toMatch(uuid);
    const invalid = await t.call("/v1/agents", { headers: { "x-request-id": "no spaces or {braces}" } });
    expect(invalid.headers.get("x-request-id")).toMatch(uuid);
    const error = await t.call("/v1/runs/run_missing", { headers: { "x-request-id": "req-404" } });
    expect(error.status).toBe(404);
    expect(error.headers.get("x-request-id")).toBe("req-404");
    expect(
      (await t.call("/v1/agents", { key: null, headers: { "x-request-id": "req-401" } })).headers.get(
        "x-request-id",
      ),
    ).toBe("req-401");

    const streamed = await t.call("/v1/agents/echo/invocations", {
      method: "POST",
      json: { input: "hi", stream: true },
      headers: { "x-request-id": "req-run" },
    });
    expect(streamed.headers.get("x-request-id")).toBe("req-run");
    const runId = streamed.headers.get("x-skein-run-id")!;
    await readSse(streamed);

    const request = t.logs.find((l) => l.msg === "request" && l.requestId === "req-run");
    expect(request).toMatchObject({ method: "POST", status: 200, runId, tenantId: "tenant-a" });
    expect(t.logs.find((l) => l.msg === "run started")).toMatchObject({ requestId: "req-run", runId });
    expect(t.logs.filter((l) => l.runId === runId).length).toBeGreaterThanOrEqual(3);
    expect(t.logs.find((l) => l.msg === "request" && l.requestId === "req-404")).toMatchObject({
      status: 404,
    });
  });
});

describe("secrets in logs", () => {
  it("never logs an API key, an Authorization header or a model key, whatever the request does", async () => {
    const modelKey = "sk-model-provider-secret-0123456789";
    mock = await startMockOpenAIServer({
      responses: [
        { type: "text", text: "fine", usage: { prompt_tokens: 5, completion_tokens: 2 } },
        { type: "text", text: "via openai", usage: { prompt_tokens: 5, completion_tokens: 2 } },
        {
          type: "error",
          status: 401,
          body: { error: { message: "Incorrect API key", code: "invalid_api_key" } },
        },
      ],
    });
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const model = qwen({ model: "qwen-plus", apiKey: modelKey, baseURL: mock.url });
    t = await startTestServer([makeAgent("priced", model)], {
      logger: createLogger({ destination: sink, level: "trace" }),
    });
    const secretPart = t.keyA.slice("sk-skein-".length + 16 + 1); // after `<id>_`; the secret may itself hold `_`
    expect(secretPart).toHaveLength(43);

    expect(
      (await t.call("/v1/agents/priced/invocations", { method: "POST", json: { input: "hi" } })).status,
    ).toBe(200);
    const client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.keyA, maxRetries: 0 });
    await client.chat.completions.create({ model: "priced", messages: [{ role: "user", content: "hi" }] });
    const failed = await (
      await t.call("/v1/agents/priced/invocations", { method: "POST", json: { input: "x" } })
    ).json();
    expect(failed.status).toBe("failed");
    expect((await t.call("/v1/agents", { key: `${t.keyA}tampered` })).status).toBe(401);
    expect(
      (await t.call("/v1/agents", { key: null, headers: { authorization: `Basic ${secretPart}` } })).status,
    ).toBe(401);
    // Objects that carry secrets in their fields are redacted at any of three levels.
    t.server.handle.services.logger.info(
      {
        apiKey: modelKey,
        headers: { authorization: `Bearer ${t.keyA}` },
        config: { model: { apiKey: modelKey, api_key: modelKey } },
      },
      "configuration",
    );

    const text = lines.join("");
    expect(text).toContain('"msg":"request"');
    expect(text).toContain('"msg":"configuration"');
    expect(text).toContain("[redacted]");
    for (const secret of [t.keyA, secretPart, t.keyB, modelKey]) expect(text).not.toContain(secret);
    // The model server did get the key: the logs are clean because of redaction and care, not absence.
    expect(mock.requests[0]?.headers.authorization).toBe(`Bearer ${modelKey}`);
  });
});

describe("usage and cost", () => {
  it("stores each run's tokens and cost from the model catalog, and sums them per session", async () => {
    mock = await startMockOpenAIServer({
      responses: [
        { type: "text", text: "one", usage: { prompt_tokens: 1000, completion_tokens: 200 } },
        { type: "text", text: "two", usage: { prompt_tokens: 3000, completion_tokens: 400 } },
      ],
    });
    const model = qwen({ model: "qwen-plus", apiKey: "test-key", baseURL: mock.url });
    const pricing = model.info?.pricing;
    expect(pricing).toBeDefined(); // qwen-plus is in the catalog with prices
    t = await startTestServer([makeAgent("priced", model)]);
    const first = await (
      await t.call("/v1/agents/priced/invocations", { method: "POST", json: { input: "a" } })
    ).json();
    const second = await (
      await t.call("/v1/agents/priced/invocations", {
        method: "POST",
        json: { input: "b", sessionId: first.sessionId },
      })
    ).json();

    const expected1 = computeCost(pricing!, { inputTokens: 1000, outputTokens: 200, totalTokens: 1200 })!;
    const expected2 = computeCost(pricing!, { inputTokens: 3000, outputTokens: 400, totalTokens: 3400 })!;
    expect(expected1.total).toBeGreaterThan(0);
    const run1 = await (await t.call(`/v1/runs/${first.id}`)).json();
    expect(run1.usage).toMatchObject({ inputTokens: 1000, outputTokens: 200, totalTokens: 1200 });
    expect(run1.usage.cost.currency).toBe(expected1.currency);
    expect(run1.usage.cost.total).toBeCloseTo(expected1.total, 12);
    expect(second.usage.cost.total).toBeCloseTo(expected2.total, 12);

    const session = await (await t.call(`/v1/sessions/${first.sessionId}`)).json();
    expect(session.usage).toMatchObject({ inputTokens: 4000, outputTokens: 600, totalTokens: 4600 });
    expect(session.usage.cost.total).toBeCloseTo(expected1.total + expected2.total, 12);
    expect(session.usage.cost.input).toBeCloseTo(expected1.input + expected2.input, 12);
  });
});
