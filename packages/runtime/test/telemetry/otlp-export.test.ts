import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { scriptedModel } from "@skein/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { RuntimeTelemetry } from "../../src/telemetry/runtime-telemetry.ts";
import { makeAgent, startTestServer, type TestServer } from "../http/harness.ts";

/** A minimal OTLP/HTTP receiver on loopback: records the JSON bodies posted to /v1/traces. */
async function startReceiver(): Promise<{ url: string; bodies: any[]; server: Server }> {
  const bodies: any[] = [];
  const read = async (request: IncomingMessage) => {
    let text = "";
    for await (const chunk of request) text += chunk;
    return text;
  };
  const server = createServer((request, response) => {
    void read(request).then((text) => {
      if (request.method === "POST" && request.url === "/v1/traces") bodies.push(JSON.parse(text));
      response.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies, server };
}

let t: TestServer | undefined;
let telemetry: RuntimeTelemetry | undefined;
let receiver: Server | undefined;
const saved = { ...process.env };
afterEach(async () => {
  await t?.close();
  await telemetry?.close();
  receiver?.close();
  process.env = { ...saved };
});

describe("OTLP export of the runtime's traces", () => {
  it("sends every run's spans to the OTEL_EXPORTER_OTLP_ENDPOINT and keeps them in the store too", async () => {
    const otlp = await startReceiver();
    receiver = otlp.server;
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = otlp.url;
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = "http/json";
    telemetry = new RuntimeTelemetry();
    t = await startTestServer([makeAgent("echo", scriptedModel([{ text: "hi" }]))], { app: { telemetry } });
    const run = await (
      await t.call("/v1/agents/echo/invocations", { method: "POST", json: { input: "x" } })
    ).json();
    await telemetry.flush();

    const spans = otlp.bodies.flatMap((b) =>
      b.resourceSpans.flatMap((r: any) => r.scopeSpans.flatMap((s: any) => s.spans)),
    );
    const attribute = (span: any, key: string) =>
      span.attributes.find((a: any) => a.key === key)?.value?.stringValue;
    const root = spans.find((s: any) => s.name === "invoke_agent echo");
    expect(attribute(root, "skein.run.id")).toBe(run.id);
    expect(attribute(root, "skein.tenant.id")).toBe("tenant-a");
    expect(spans.some((s: any) => s.name === "chat scripted" && s.parentSpanId === root.spanId)).toBe(true);
    const service = otlp.bodies[0].resourceSpans[0].resource.attributes.find(
      (a: any) => a.key === "service.name",
    );
    expect(service.value.stringValue).toBe("skein-runtime");

    const kept = await (await t.call(`/v1/runs/${run.id}/trace`)).json();
    expect(kept.spans.map((s: any) => s.name)).toEqual(["invoke_agent echo", "chat scripted"]);
  });
});
