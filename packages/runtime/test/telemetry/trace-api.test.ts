import { tool } from "@skein/core";
import { scriptedModel } from "@skein/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { RuntimeTelemetry, TRACED_EVENTS } from "../../src/telemetry/runtime-telemetry.ts";
import { makeAgent, problemOf, startTestServer, type TestServer } from "../http/harness.ts";

let t: TestServer | undefined;
let telemetry: RuntimeTelemetry | undefined;
afterEach(async () => {
  await t?.close();
  await telemetry?.close();
  t = undefined;
  telemetry = undefined;
});

const lookup = tool({
  name: "lookup_price",
  description: "Looks up a price.",
  input: {
    type: "object",
    properties: { ticker: { type: "string" }, apiKey: { type: "string" } },
    required: ["ticker"],
    additionalProperties: false,
  },
  run: async ({ ticker }: { ticker: string }) => JSON.stringify({ ticker, price: 101.5 }),
});

/** One tool call, then an answer: the span tree is invoke_agent → chat, execute_tool, chat. */
const toolThenAnswer = () =>
  scriptedModel(
    [
      {
        toolCalls: [
          { id: "call_1", name: "lookup_price", arguments: { ticker: "BABA", apiKey: "sk-secret-1" } },
        ],
        usage: { inputTokens: 20, outputTokens: 7 },
      },
      { text: "BABA trades at 101.5.", usage: { inputTokens: 40, outputTokens: 9 } },
    ],
    { id: "qwen-test" },
  );

async function runOnce(server: TestServer, input = "price of BABA?", key?: string) {
  const response = await server.call("/v1/agents/analyst/invocations", {
    method: "POST",
    json: { input },
    key,
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { id: string; sessionId: string };
}

describe("GET /v1/runs/{id}/trace", () => {
  it("returns the run's GenAI span tree: invoke_agent → chat, execute_tool, chat", async () => {
    t = await startTestServer([makeAgent("analyst", toolThenAnswer(), { tools: [lookup] })]);
    const run = await runOnce(t);
    const response = await t.call(`/v1/runs/${run.id}/trace`);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ runId: run.id, sessionId: run.sessionId });
    const spans = body.spans as any[];
    expect(spans.map((s) => s.name)).toEqual([
      "invoke_agent analyst",
      "chat qwen-test",
      "execute_tool lookup_price",
      "chat qwen-test",
    ]);
    const [root, firstChat, toolSpan, secondChat] = spans;
    expect(root.parentSpanId).toBeNull();
    for (const child of [firstChat, toolSpan, secondChat]) {
      expect(child.parentSpanId).toBe(root.spanId);
      expect(child.traceId).toBe(body.traceId);
      expect(child.runId).toBe(run.id);
      expect(child.endTimeMs).toBeGreaterThanOrEqual(child.startTimeMs);
    }
    expect(root.attributes).toMatchObject({
      "gen_ai.operation.name": "invoke_agent",
      "gen_ai.agent.name": "analyst",
      "gen_ai.conversation.id": run.sessionId,
      "skein.run.id": run.id,
      "skein.tenant.id": "tenant-a",
      "gen_ai.usage.input_tokens": 60,
      "gen_ai.usage.output_tokens": 16,
    });
    expect(firstChat.kind).toBe("client");
    expect(firstChat.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": "qwen-test",
      "gen_ai.usage.input_tokens": 20,
      "gen_ai.usage.output_tokens": 7,
      "gen_ai.response.finish_reasons": ["tool_call"],
    });
    expect(toolSpan.attributes).toMatchObject({
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "lookup_price",
      "gen_ai.tool.call.id": "call_1",
    });
    expect(secondChat.attributes["gen_ai.response.finish_reasons"]).toEqual(["stop"]);
    // Content is off by default: no prompt, completion or tool payload is kept.
    const text = JSON.stringify(spans);
    expect(text).not.toMatch(/price of BABA|101\.5|sk-secret-1/);
    expect(spans.some((s) => "gen_ai.tool.call.arguments" in s.attributes)).toBe(false);
  });

  it("records prompts and tool payloads only when the operator enables it, and never secrets", async () => {
    telemetry = new RuntimeTelemetry({ captureContent: true });
    t = await startTestServer([makeAgent("analyst", toolThenAnswer(), { tools: [lookup] })], {
      app: { telemetry },
    });
    const run = await runOnce(t);
    const { spans } = await (await t.call(`/v1/runs/${run.id}/trace`)).json();
    const toolSpan = spans.find((s: any) => s.name === "execute_tool lookup_price");
    expect(JSON.parse(toolSpan.attributes["gen_ai.tool.call.arguments"])).toEqual({
      ticker: "BABA",
      apiKey: "[REDACTED]",
    });
    expect(JSON.parse(toolSpan.attributes["gen_ai.tool.call.result"])).toEqual({
      ticker: "BABA",
      price: 101.5,
    });
    const root = spans[0];
    expect(root.attributes["gen_ai.input.messages"]).toContain("price of BABA?");
    expect(JSON.stringify(spans)).not.toContain("sk-secret-1");
    expect(JSON.stringify(spans)).not.toContain(t.keyA);
  });

  it("is tenant-scoped: another tenant's run answers 404, and /v1/traces lists only the caller's", async () => {
    t = await startTestServer([makeAgent("analyst", toolThenAnswer(), { tools: [lookup] })]);
    const run = await runOnce(t);
    const foreign = await t.call(`/v1/runs/${run.id}/trace`, { key: t.keyB });
    expect(foreign.status).toBe(404);
    expect((await problemOf(foreign)).code).toBe("run_not_found");
    const mine = await (await t.call("/v1/traces")).json();
    expect(mine.data).toMatchObject([
      { runId: run.id, sessionId: run.sessionId, agent: "analyst", name: "invoke_agent analyst" },
    ]);
    expect(mine.data[0].inputTokens).toBe(60);
    const theirs = await (await t.call("/v1/traces", { key: t.keyB })).json();
    expect(theirs.data).toEqual([]);
    expect((await t.call("/v1/traces?limit=0")).status).toBe(400);
  });
});

describe("GET /v1/whoami", () => {
  it("names the key's tenant, and dev mode when the server runs in it", async () => {
    t = await startTestServer([makeAgent("analyst", toolThenAnswer())]);
    expect(await (await t.call("/v1/whoami")).json()).toMatchObject({
      tenant: "tenant-a",
      devMode: false,
      features: { memory: false, traceContent: false },
    });
    expect((await t.call("/v1/whoami", { key: null })).status).toBe(401);
    await t.close();
    t = await startTestServer([makeAgent("analyst", toolThenAnswer())], { dev: true });
    expect(await (await t.call("/v1/whoami", { key: null })).json()).toMatchObject({
      tenant: "dev",
      keyId: null,
      devMode: true,
    });
  });
});

describe("the runtime's telemetry plugin", () => {
  it("hooks every event the tracing plugin listens to (it is listed before the plugin loads)", async () => {
    const { tracingPlugin } = await import("@skein/core/telemetry");
    const traced = Object.keys(tracingPlugin().hooks).filter(
      (type) => type !== "run-start" && type !== "run-end",
    );
    expect([...TRACED_EVENTS].sort()).toEqual(traced.sort());
  });
});
