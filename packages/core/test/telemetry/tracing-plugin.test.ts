import { readFileSync } from "node:fs";
import path from "node:path";
import { Validator } from "@cfworker/json-schema";
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { Agent, ModelServerError, ToolError, tool } from "../../src/index.ts";
import { GEN_AI, tracingPlugin } from "../../src/telemetry/index.ts";
import { scriptedModel } from "../../src/testing/index.ts";
import { contentValidator } from "./semconv-spec.ts";
import { expectConformingSpan, ms, type Scenario } from "./span-checks.ts";

const CONTENT_KEYS = [
  GEN_AI.inputMessages,
  GEN_AI.outputMessages,
  GEN_AI.systemInstructions,
  GEN_AI.toolDefinitions,
  GEN_AI.toolCallArguments,
  GEN_AI.toolCallResult,
];

const lookup = tool({
  name: "lookup",
  description: "Current weather for a city",
  input: {
    type: "object",
    properties: { city: { type: "string" }, apiKey: { type: "string" } },
    required: ["city"],
  },
  run: ({ city }: any) => ({ city, celsius: 21, session: { token: "result-secret-456" } }),
});
const broken = tool({
  name: "broken",
  description: "A backend that is down",
  input: { type: "object", properties: {} },
  run: () => {
    throw new ToolError("backend_down", "The backend is down");
  },
});

const scenario: Scenario = { sessionId: "sess-1", agentDescription: "Answers weather questions", seed: 7 };

/** A run with a failed-then-retried model call, a tool call with a secret argument, a failing tool. */
async function tracedRun(captureContent?: boolean) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const model = scriptedModel(
    [
      { textBeforeError: "Let me ", error: new ModelServerError("upstream answered 503") },
      {
        reasoning: "I need the weather.",
        text: "Checking.",
        toolCalls: [
          { id: "call_1", name: "lookup", arguments: { city: "Paris", apiKey: "sk-live-123" } },
          { id: "call_2", name: "broken", arguments: {} },
        ],
        usage: { inputTokens: 120, outputTokens: 30, reasoningTokens: 8, cachedInputTokens: 100 },
        responseId: "chatcmpl-turn-1",
      },
      {
        text: "It is 21 °C in Paris.",
        usage: { inputTokens: 200, outputTokens: 12 },
        responseId: "chatcmpl-turn-2",
      },
    ],
    { id: "qwen-test" },
  );
  const agent = new Agent({
    name: "weather-agent",
    description: scenario.agentDescription,
    instructions: "You are terse.",
    model,
    tools: [lookup, broken],
    temperature: 0.2,
    maxOutputTokens: 256,
    providerOptions: { seed: scenario.seed },
    retry: { baseDelayMs: 1 },
    plugins: [tracingPlugin({ tracer: provider.getTracer("test"), captureContent })],
  });
  const result = await agent.run("Weather in Paris?", { sessionId: scenario.sessionId });
  const spans = exporter.getFinishedSpans();
  const byStart = (a: ReadableSpan, b: ReadableSpan) => ms(a.startTime) - ms(b.startTime);
  return {
    result,
    spans,
    root: spans.find((s) => s.name === "invoke_agent weather-agent")!,
    chats: spans.filter((s) => s.name === "chat qwen-test").sort(byStart),
    lookupSpan: spans.find((s) => s.name === "execute_tool lookup")!,
    brokenSpan: spans.find((s) => s.name === "execute_tool broken")!,
  };
}

describe("tracingPlugin", () => {
  it("makes one invoke_agent span with chat and execute_tool children, as the GenAI conventions define", async () => {
    const { result, spans, root, chats, lookupSpan, brokenSpan } = await tracedRun();
    expect(result.text).toBe("It is 21 °C in Paris.");
    expect(spans).toHaveLength(6);
    expect(root.parentSpanContext).toBeUndefined();
    expect(chats).toHaveLength(3);
    for (const child of [...chats, lookupSpan, brokenSpan]) {
      expect(child.spanContext().traceId).toBe(root.spanContext().traceId);
      expect(child.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
      expect(ms(child.startTime)).toBeGreaterThanOrEqual(ms(root.startTime));
      expect(ms(child.endTime)).toBeLessThanOrEqual(ms(root.endTime));
    }
    expect(root.kind).toBe(SpanKind.INTERNAL);
    expect(chats.every((c) => c.kind === SpanKind.CLIENT)).toBe(true);
    expect(lookupSpan.kind).toBe(SpanKind.INTERNAL);

    const required = [
      ...expectConformingSpan(root, "span.gen_ai.invoke_agent.internal", scenario),
      ...chats.flatMap((c) => expectConformingSpan(c, "span.gen_ai.inference.client", scenario)),
      ...expectConformingSpan(lookupSpan, "span.gen_ai.execute_tool.internal", scenario),
      ...expectConformingSpan(brokenSpan, "span.gen_ai.execute_tool.internal", scenario),
    ].map((a) => a.id);
    // The spec was read, not skipped: these come from spans.yaml.
    expect(required).toEqual(
      expect.arrayContaining([
        "gen_ai.operation.name",
        "gen_ai.provider.name",
        "gen_ai.tool.name",
        "gen_ai.request.seed",
        "error.type",
      ]),
    );

    expect(root.attributes).toMatchObject({
      "gen_ai.operation.name": "invoke_agent",
      "gen_ai.agent.name": "weather-agent",
      "gen_ai.agent.description": "Answers weather questions",
      "gen_ai.conversation.id": "sess-1",
      "gen_ai.provider.name": "scripted",
      "gen_ai.request.model": "qwen-test",
      "skein.run.id": result.runId,
      "gen_ai.usage.input_tokens": 320,
      "gen_ai.usage.output_tokens": 42,
      "gen_ai.response.finish_reasons": ["stop"],
    });
    expect(root.status.code).not.toBe(SpanStatusCode.ERROR);
  });

  it("records the discarded attempt, tokens, finish reasons, parameters and time to first chunk on chat spans", async () => {
    const { chats } = await tracedRun();
    const [failed, first, second] = chats as [ReadableSpan, ReadableSpan, ReadableSpan];
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.attributes["error.type"]).toBe("model_server_error");
    expect(failed.attributes["gen_ai.usage.output_tokens"]).toBeUndefined();
    expect(ms(failed.endTime)).toBeLessThanOrEqual(ms(first.startTime));
    for (const chat of chats) {
      expect(chat.attributes).toMatchObject({
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "scripted",
        "gen_ai.request.model": "qwen-test",
        "gen_ai.conversation.id": "sess-1",
        "gen_ai.request.temperature": 0.2,
        "gen_ai.request.max_tokens": 256,
        "gen_ai.request.seed": 7,
        "gen_ai.request.stream": true,
      });
      // Time to first chunk, in seconds, within the call; the span event marks the same instant.
      const ttft = chat.attributes["gen_ai.response.time_to_first_chunk"] as number;
      expect(ttft).toBeGreaterThanOrEqual(0);
      expect(ttft * 1000).toBeLessThanOrEqual(ms(chat.duration) + 1e-6);
      const event = chat.events.find((e) => e.name === "skein.first_chunk")!;
      expect(ms(event.time) - ms(chat.startTime)).toBeCloseTo(ttft * 1000, 3);
      expect(ms(event.time)).toBeLessThanOrEqual(ms(chat.endTime));
    }
    expect(first.attributes).toMatchObject({
      "gen_ai.response.id": "chatcmpl-turn-1",
      "gen_ai.response.model": "qwen-test",
      "gen_ai.response.finish_reasons": ["tool_call"],
      "gen_ai.usage.input_tokens": 120,
      "gen_ai.usage.output_tokens": 30,
      "gen_ai.usage.reasoning.output_tokens": 8,
      "gen_ai.usage.cache_read.input_tokens": 100,
      "skein.turn": 1,
      "skein.attempt": 2,
    });
    expect(second.attributes).toMatchObject({
      "gen_ai.response.id": "chatcmpl-turn-2",
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.usage.input_tokens": 200,
      "gen_ai.usage.output_tokens": 12,
      "skein.turn": 2,
    });
  });

  it("gives tool spans their call ids, type and description, and an error status on failure", async () => {
    const { lookupSpan, brokenSpan, chats } = await tracedRun();
    expect(lookupSpan.attributes).toMatchObject({
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "lookup",
      "gen_ai.tool.call.id": "call_1",
      "gen_ai.tool.type": "function",
      "gen_ai.tool.description": "Current weather for a city",
    });
    expect(lookupSpan.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(brokenSpan.status).toMatchObject({ code: SpanStatusCode.ERROR, message: "The backend is down" });
    expect(brokenSpan.attributes).toMatchObject({
      "gen_ai.tool.call.id": "call_2",
      "error.type": "backend_down",
    });
    // Tools run after the model call that asked for them.
    expect(ms(lookupSpan.startTime)).toBeGreaterThanOrEqual(ms(chats[1]!.endTime));
  });

  it("records no prompts, completions or tool payloads unless asked", async () => {
    const { spans } = await tracedRun();
    for (const span of spans) for (const key of CONTENT_KEYS) expect(span.attributes[key]).toBeUndefined();
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain("Paris?");
  });

  it("with captureContent, records content in the shapes of the spec's JSON Schemas, secrets redacted", async () => {
    const { spans, root, chats, lookupSpan } = await tracedRun(true);
    const validators = {
      [GEN_AI.inputMessages]: contentValidator("gen-ai-input-messages.json"),
      [GEN_AI.outputMessages]: contentValidator("gen-ai-output-messages.json"),
      [GEN_AI.systemInstructions]: contentValidator("gen-ai-system-instructions.json"),
      [GEN_AI.toolDefinitions]: contentValidator("gen-ai-tool-definitions.json"),
    };
    let checked = 0;
    for (const span of spans) {
      for (const [key, validate] of Object.entries(validators)) {
        const value = span.attributes[key];
        if (value === undefined) continue;
        expect(validate(JSON.parse(value as string)), `${span.name} ${key}`).toEqual([]);
        checked++;
      }
    }
    // Root: input, output, system, tools; three chat spans: input, system, tools, and output on the two that ended.
    expect(checked).toBe(4 + 3 * 3 + 2);

    const secondInput = JSON.parse(chats[2]!.attributes[GEN_AI.inputMessages] as string);
    expect(secondInput.map((m: any) => m.role)).toEqual(["user", "assistant", "tool", "tool"]);
    expect(secondInput[1].parts).toEqual([
      { type: "reasoning", content: "I need the weather." },
      { type: "text", content: "Checking." },
      { type: "tool_call", id: "call_1", name: "lookup", arguments: { city: "Paris", apiKey: "[REDACTED]" } },
      { type: "tool_call", id: "call_2", name: "broken", arguments: {} },
    ]);
    expect(secondInput[2].parts[0]).toMatchObject({ type: "tool_call_response", id: "call_1" });
    expect(JSON.parse(chats[1]!.attributes[GEN_AI.outputMessages] as string)[0].finish_reason).toBe(
      "tool_call",
    );
    expect(JSON.parse(root.attributes[GEN_AI.outputMessages] as string)).toEqual([
      {
        role: "assistant",
        parts: [{ type: "text", content: "It is 21 °C in Paris." }],
        finish_reason: "stop",
      },
    ]);
    expect(JSON.parse(root.attributes[GEN_AI.systemInstructions] as string)).toEqual([
      { type: "text", content: "You are terse." },
    ]);

    // Tool definitions carry the tools' real JSON Schemas (draft-07 compatible) as parameters.
    const samples: Record<string, [valid: unknown, invalid: unknown]> = {
      lookup: [{ city: "Paris" }, { apiKey: "k" }],
      broken: [{}, "not an object"],
    };
    const definitions = JSON.parse(chats[0]!.attributes[GEN_AI.toolDefinitions] as string);
    expect(definitions.map((d: any) => d.name)).toEqual(["lookup", "broken"]);
    for (const definition of definitions) {
      const [valid, invalid] = samples[definition.name]!;
      const validator = new Validator(definition.parameters, "7");
      expect(validator.validate(valid).valid).toBe(true);
      expect(validator.validate(invalid).valid).toBe(false);
    }
    expect(JSON.parse(lookupSpan.attributes[GEN_AI.toolCallArguments] as string)).toEqual({
      city: "Paris",
      apiKey: "[REDACTED]",
    });
    expect(JSON.parse(lookupSpan.attributes[GEN_AI.toolCallResult] as string)).toEqual({
      city: "Paris",
      celsius: 21,
      session: { token: "[REDACTED]" },
    });
    const everything = JSON.stringify(spans.map((s) => s.attributes));
    expect(everything).not.toContain("sk-live-123");
    expect(everything).not.toContain("result-secret-456");
  });

  it("marks a cancelled run and its cut-off model call with error.type run_cancelled", async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const agent = new Agent({
      name: "stalled",
      model: scriptedModel([{ hang: true }], { id: "slow-model" }),
      plugins: [tracingPlugin({ tracer: provider.getTracer("test") })],
    });
    const controller = new AbortController();
    for await (const event of agent.stream("hello", { signal: controller.signal })) {
      if (event.type === "before-model-call") controller.abort();
    }
    const spans = exporter.getFinishedSpans();
    const root = spans.find((s) => s.name === "invoke_agent stalled")!;
    const chat = spans.find((s) => s.name === "chat slow-model")!;
    expect(root.status.code).toBe(SpanStatusCode.ERROR);
    expect(root.attributes).toMatchObject({
      "error.type": "run_cancelled",
      "skein.run.stop_reason": "cancelled",
    });
    expect(chat.status.code).toBe(SpanStatusCode.ERROR);
    expect(chat.attributes["error.type"]).toBe("run_cancelled");
    expect(chat.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
  });

  it("marks a failed run with the Skein error code, and a structured output request with output.type json", async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer("test");
    const failing = new Agent({
      name: "failing",
      model: scriptedModel([{ error: new ModelServerError("down") }]),
      retry: false,
      plugins: [tracingPlugin({ tracer })],
    });
    await expect(failing.run("hi")).rejects.toThrow("down");
    const structured = new Agent({
      name: "structured",
      model: scriptedModel([{ text: '{"answer":42}' }]),
      output: { type: "object", properties: { answer: { type: "number" } }, required: ["answer"] },
      plugins: [tracingPlugin({ tracer })],
    });
    await structured.run("hi");
    const spans = exporter.getFinishedSpans();
    const failedRoot = spans.find((s) => s.name === "invoke_agent failing")!;
    expect(failedRoot.status.code).toBe(SpanStatusCode.ERROR);
    expect(failedRoot.attributes["error.type"]).toBe("model_server_error");
    const chat = spans.find((s) => s.name === "chat scripted" && s.attributes["gen_ai.output.type"])!;
    expect(chat.attributes["gen_ai.output.type"]).toBe("json");
    expectConformingSpan(chat, "span.gen_ai.inference.client", { outputFormat: true });
  });

  it("ends runs whose run-end never comes once too many are open, and hands out live runs' contexts", async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const plugin = tracingPlugin({ tracer: provider.getTracer("test"), maxOpenRuns: 1 });
    const agent = (name: string) =>
      new Agent({ name, model: scriptedModel([{ text: "ok" }]), plugins: [plugin] });
    let abandonedRunId = "";
    for await (const event of agent("abandoned").stream("hi")) {
      abandonedRunId = event.runId;
      break; // the consumer walks away: no run-end
    }
    const live = plugin.contextOf(abandonedRunId);
    expect(trace.getSpan(live!)?.spanContext().spanId).toBeTypeOf("string");
    await agent("next").run("hi");
    expect(plugin.contextOf(abandonedRunId)).toBeUndefined();
    const abandoned = exporter.getFinishedSpans().find((s) => s.name === "invoke_agent abandoned")!;
    expect(abandoned.status.code).toBe(SpanStatusCode.ERROR);
    expect(abandoned.attributes["error.type"]).toBe("run_abandoned");
    expect(abandoned.spanContext().spanId).toBe(trace.getSpan(live!)?.spanContext().spanId);
  });

  it("the package root does not pull in the telemetry module or OpenTelemetry", () => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const [, spec] of readFileSync(file, "utf8").matchAll(/from\s+"([^"]+)"/g)) {
        expect(spec, `${file} imports ${spec}`).not.toMatch(/@opentelemetry|telemetry\//);
        if (spec!.startsWith(".")) visit(path.resolve(path.dirname(file), spec!));
      }
    };
    visit(path.resolve(import.meta.dirname, "../../src/index.ts"));
    expect(seen.size).toBeGreaterThan(10);
  });
});
