import { once } from "node:events";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { DiagLogLevel, diag } from "@opentelemetry/api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Agent, tool } from "../../src/index.ts";
import { setupOtlpTracing, tracingPlugin } from "../../src/telemetry/index.ts";
import { scriptedModel } from "../../src/testing/index.ts";

/** One span as an OTLP/HTTP JSON request carries it, attributes decoded. */
interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  status?: { code?: number };
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
}

type AnyValue = {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: AnyValue[] };
};

const decodeValue = (v: AnyValue): unknown => {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(decodeValue);
  return undefined;
};
const decodeAttributes = (list: { key: string; value: AnyValue }[] = []) =>
  Object.fromEntries(list.map((a) => [a.key, decodeValue(a.value)]));

/** A minimal OTLP/HTTP trace receiver on loopback: accepts JSON (optionally gzipped) on /v1/traces. */
async function startReceiver() {
  const spans: ReceivedSpan[] = [];
  const requests: { url: string; headers: IncomingHttpHeaders }[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body = Buffer.concat(chunks);
    if (req.headers["content-encoding"] === "gzip") body = gunzipSync(body);
    requests.push({ url: req.url ?? "", headers: req.headers });
    if (
      req.method !== "POST" ||
      req.url !== "/v1/traces" ||
      req.headers["content-type"] !== "application/json"
    ) {
      res.writeHead(415).end();
      return;
    }
    const payload = JSON.parse(body.toString("utf8"));
    for (const rs of payload.resourceSpans ?? []) {
      const resource = decodeAttributes(rs.resource?.attributes);
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          spans.push({
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId || undefined,
            name: s.name,
            status: s.status,
            attributes: decodeAttributes(s.attributes),
            resource,
          });
        }
      }
    }
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return { spans, requests, url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

const OTEL_VARS = [
  "OTEL_EXPORTER_OTLP_ENDPOINT",
  "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
  "OTEL_EXPORTER_OTLP_HEADERS",
  "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
  "OTEL_SDK_DISABLED",
  "OTEL_SERVICE_NAME",
  "OTEL_RESOURCE_ATTRIBUTES",
];
let saved: Record<string, string | undefined> = {};
beforeEach(() => {
  saved = Object.fromEntries(OTEL_VARS.map((k) => [k, process.env[k]]));
  for (const k of OTEL_VARS) delete process.env[k];
});
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  diag.disable();
});

const echo = tool({
  name: "echo",
  description: "Echoes its text",
  input: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
  run: ({ text }: any) => text,
});
const agentFor = (name: string, plugin: ReturnType<typeof tracingPlugin>) =>
  new Agent({
    name,
    model: scriptedModel(
      [
        { toolCalls: [{ name: "echo", arguments: { text: name } }] },
        { text: `${name} done`, responseId: `resp-${name}` },
      ],
      { id: "qwen-plus" },
    ),
    tools: [echo],
    plugins: [plugin],
  });

describe("setupOtlpTracing", () => {
  it("is off when no OTLP endpoint variable is set", () => {
    expect(setupOtlpTracing({ serviceName: "skein-test" })).toBeUndefined();
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = "http://127.0.0.1:1";
    process.env.OTEL_SDK_DISABLED = "true";
    expect(setupOtlpTracing({ serviceName: "skein-test" })).toBeUndefined();
  });

  it("exports GenAI spans over OTLP/HTTP; two concurrent runs make two separate trees; headers are sent, not logged", async () => {
    const receiver = await startReceiver();
    const logged: string[] = [];
    const record = (...args: unknown[]) => logged.push(args.map(String).join(" "));
    diag.setLogger(
      { error: record, warn: record, info: record, debug: record, verbose: record },
      DiagLogLevel.ALL,
    );
    try {
      process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
      process.env.OTEL_EXPORTER_OTLP_HEADERS = "authorization=Bearer%20otlp-secret-789,x-tenant=acme";
      const tracing = setupOtlpTracing({ serviceName: "skein-test", serviceVersion: "1.2.3" })!;
      expect(tracing).toBeDefined();
      const plugin = tracingPlugin({
        tracer: tracing.tracer,
        attributes: (event) => ({ "skein.tenant": event.sessionId?.split(":")[0] }),
      });
      const [a, b] = await Promise.all([
        agentFor("alpha", plugin).run("go", { sessionId: "acme:s1" }),
        agentFor("beta", plugin).run("go", { sessionId: "acme:s2" }),
      ]);
      await tracing.forceFlush();

      expect(receiver.requests.length).toBeGreaterThan(0);
      for (const request of receiver.requests) {
        expect(request.url).toBe("/v1/traces");
        expect(request.headers.authorization).toBe("Bearer otlp-secret-789");
        expect(request.headers["x-tenant"]).toBe("acme");
      }
      const spans = receiver.spans;
      expect(spans).toHaveLength(8);
      expect(spans[0]!.resource).toMatchObject({ "service.name": "skein-test", "service.version": "1.2.3" });

      const roots = spans.filter((s) => !s.parentSpanId);
      expect(roots.map((s) => s.name).sort()).toEqual(["invoke_agent alpha", "invoke_agent beta"]);
      expect(new Set(roots.map((s) => s.traceId)).size).toBe(2);
      for (const [root, result] of [
        [roots.find((s) => s.name === "invoke_agent alpha")!, a],
        [roots.find((s) => s.name === "invoke_agent beta")!, b],
      ] as const) {
        const agent = root.attributes["gen_ai.agent.name"] as string;
        expect(root.attributes).toMatchObject({
          "gen_ai.operation.name": "invoke_agent",
          "gen_ai.provider.name": "scripted",
          "gen_ai.request.model": "qwen-plus",
          "skein.run.id": result.runId,
          "skein.tenant": "acme",
          "gen_ai.usage.input_tokens": 20,
          "gen_ai.usage.output_tokens": 10,
        });
        const children = spans.filter((s) => s.traceId === root.traceId && s !== root);
        expect(children.map((s) => s.name).sort()).toEqual([
          "chat qwen-plus",
          "chat qwen-plus",
          "execute_tool echo",
        ]);
        for (const child of children) {
          expect(child.parentSpanId).toBe(root.spanId);
          expect(child.attributes["skein.run.id"]).toBe(result.runId);
        }
        const tool = children.find((s) => s.name === "execute_tool echo")!;
        expect(tool.attributes).toMatchObject({ "gen_ai.tool.name": "echo", "gen_ai.tool.type": "function" });
        const last = children.find((s) => s.attributes["gen_ai.response.id"] === `resp-${agent}`)!;
        expect(last.attributes).toMatchObject({
          "gen_ai.operation.name": "chat",
          "gen_ai.response.finish_reasons": ["stop"],
          "gen_ai.usage.input_tokens": 10,
          "gen_ai.usage.output_tokens": 5,
        });
        expect(last.attributes["gen_ai.response.time_to_first_chunk"]).toBeTypeOf("number");
      }
      await tracing.shutdown();
    } finally {
      receiver.close();
    }
    expect(logged.join("\n")).not.toContain("otlp-secret-789");
  });
});
