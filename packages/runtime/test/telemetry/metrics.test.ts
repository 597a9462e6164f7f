import { scriptedModel } from "@skein/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { RuntimeTelemetry } from "../../src/telemetry/runtime-telemetry.ts";
import { gate, gateTool, makeAgent, problemOf, startTestServer, type TestServer } from "../http/harness.ts";
import { type Family, parsePrometheusText, sampleOf } from "./prometheus-text.ts";

let t: TestServer | undefined;
let telemetry: RuntimeTelemetry | undefined;
afterEach(async () => {
  await t?.close();
  await telemetry?.close();
  t = undefined;
  telemetry = undefined;
});

const METRICS_TOKEN = "metrics-token-for-tests";

async function scrape(server: TestServer, key: string | null = METRICS_TOKEN): Promise<Map<string, Family>> {
  const response = await server.call("/metrics", { key });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await response.text());
}

describe("/metrics", () => {
  it("exposes requests, latency, active runs, and tokens and cost by agent and tenant in Prometheus text", async () => {
    const release = gate();
    const model = scriptedModel([
      {
        text: "Hello.",
        usage: {
          inputTokens: 11,
          outputTokens: 4,
          cost: { input: 0.001, output: 0.002, total: 0.003, currency: "USD" },
        },
      },
      { toolCalls: [{ id: "call_gate", name: "wait_for_gate", arguments: {} }] },
      { text: "done" },
    ]);
    telemetry = new RuntimeTelemetry({ metricsToken: METRICS_TOKEN });
    t = await startTestServer([makeAgent("greeter", model, { tools: [gateTool(release.promise)] })], {
      app: { telemetry },
    });
    const answered = await t.call("/v1/agents/greeter/invocations", {
      method: "POST",
      json: { input: "hi" },
    });
    expect(answered.status).toBe(200);
    expect((await t.call("/v1/sessions/ses_missing")).status).toBe(404);

    // A second run waits at the gate: one run in flight.
    const held = await t.call("/v1/agents/greeter/invocations", {
      method: "POST",
      json: { input: "wait", async: true },
    });
    expect(held.status).toBe(202);
    const families = await scrape(t);
    release.open();
    await t.call(`/v1/runs/${(await held.json()).id}`);

    const value = (name: string, labels: Record<string, string> = {}) =>
      sampleOf(families, name, labels).value;
    expect(families.get("skein_http_requests_total")?.type).toBe("counter");
    const invoke = { method: "POST", route: "/v1/agents/:agent/invocations" };
    expect(value("skein_http_requests_total", { ...invoke, status: "200" })).toBe(1);
    expect(value("skein_http_requests_total", { ...invoke, status: "202" })).toBe(1);
    expect(
      value("skein_http_requests_total", { method: "GET", route: "/v1/sessions/:id", status: "404" }),
    ).toBe(1);
    // Raw ids never become labels.
    const requests = families.get("skein_http_requests_total")!;
    expect(requests.samples.some((s) => s.labels.route?.includes("ses_missing"))).toBe(false);

    expect(families.get("skein_http_request_duration_seconds")?.type).toBe("histogram");
    // The answered invocation and the async one.
    expect(value("skein_http_request_duration_seconds_count", invoke)).toBe(2);
    expect(value("skein_http_request_duration_seconds_bucket", { ...invoke, le: "+Inf" })).toBe(2);

    expect(value("skein_active_runs")).toBe(1);
    const greeter = { tenant: "tenant-a", agent: "greeter" };
    expect(value("skein_model_tokens_total", { ...greeter, type: "input" })).toBe(11);
    expect(value("skein_model_tokens_total", { ...greeter, type: "output" })).toBe(4);
    expect(value("skein_model_cost_total", { ...greeter, currency: "USD" })).toBeCloseTo(0.003);
    expect(value("skein_runs_total", { ...greeter, stop_reason: "done" })).toBe(1);
  });

  it("is closed to tenants' API keys: it takes the operator's metrics token", async () => {
    telemetry = new RuntimeTelemetry({ metricsToken: METRICS_TOKEN });
    t = await startTestServer([makeAgent("greeter", scriptedModel([]))], { app: { telemetry } });
    for (const key of [null, t.keyA, "not-the-token"]) {
      const response = await t.call("/metrics", { key });
      expect(response.status).toBe(401);
      expect((await problemOf(response)).code).toBe("unauthorized");
    }
    await scrape(t);
  });

  it("answers 403 metrics_disabled when no token is configured, and is open in dev mode", async () => {
    t = await startTestServer([makeAgent("greeter", scriptedModel([]))]);
    const closed = await t.call("/metrics");
    expect(closed.status).toBe(403);
    expect((await problemOf(closed)).code).toBe("metrics_disabled");
    await t.close();
    t = await startTestServer([makeAgent("greeter", scriptedModel([]))], { dev: true });
    const families = await scrape(t, null);
    expect(sampleOf(families, "skein_active_runs").value).toBe(0);
    // A server started by startServer also reports process metrics.
    expect(families.has("skein_process_resident_memory_bytes")).toBe(true);
  });
});

describe("the strict Prometheus text reader the tests use", () => {
  it("rejects what a scraper would reject", () => {
    const ok = '# HELP x_total X.\n# TYPE x_total counter\nx_total{a="b"} 1\n';
    expect(parsePrometheusText(ok).get("x_total")?.samples).toEqual([
      { name: "x_total", labels: { a: "b" }, value: 1 },
    ]);
    expect(() => parsePrometheusText("x_total 1\n")).toThrow(/undeclared/);
    expect(() => parsePrometheusText(ok.replace("1\n", "one\n"))).toThrow(/bad value/);
    expect(() => parsePrometheusText(ok.replace('"b"', "b"))).toThrow(/labels/);
    const histogram = '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\nh_sum 1\n';
    expect(() => parsePrometheusText(histogram)).toThrow(/cumulative/);
  });
});
