// A run's span takes ids derived from its run id (when the provider's idGenerator and the plugin share one
// `RunSpanIds`): a run resumed in another process, with the same run id, continues the same trace, and the spans
// recorded before the interruption hang under its span again.
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { Agent, tool } from "../../src/index.ts";
import { RunSpanIds, runSpanIdsOf, tracingPlugin } from "../../src/telemetry/index.ts";
import { scriptedModel } from "../../src/testing/index.ts";

/** One process's tracing: its own provider, ids and exporter. */
function processTracing() {
  const exporter = new InMemorySpanExporter();
  const runSpanIds = new RunSpanIds();
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    idGenerator: runSpanIds,
  });
  const plugin = tracingPlugin({ tracer: provider.getTracer("test"), runSpanIds });
  return { exporter, plugin };
}

const echo = tool({
  name: "echo",
  description: "Echoes",
  input: { type: "object", properties: { text: { type: "string" } } },
  run: ({ text }) => text,
});

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe("RunSpanIds", () => {
  it("gives a run's span the same ids in every process, and other spans random ones", async () => {
    const first = processTracing();
    const second = processTracing();
    const model = () =>
      scriptedModel([
        { toolCalls: [{ id: "c1", name: "echo", arguments: { text: "x" } }] },
        { text: "done" },
      ]);
    for (const tracing of [first, second]) {
      const agent = new Agent({
        name: "a",
        instructions: "",
        model: model(),
        tools: [echo],
        plugins: [tracing.plugin],
      });
      await agent.run("go", { runId: "run-42" });
    }
    const ids = runSpanIdsOf("run-42");
    expect(ids.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(ids.spanId).toMatch(/^[0-9a-f]{16}$/);
    const [firstSpans, secondSpans] = [first.exporter.getFinishedSpans(), second.exporter.getFinishedSpans()];
    for (const spans of [firstSpans, secondSpans]) {
      const root = spans.find((s) => s.name === "invoke_agent a")!;
      expect(root.spanContext()).toMatchObject(ids);
      expect(parentOf(root)).toBeUndefined();
      const children = spans.filter((s) => s !== root);
      expect(children.length).toBeGreaterThanOrEqual(3); // two model calls and a tool call
      for (const child of children) {
        expect(child.spanContext().traceId).toBe(ids.traceId);
        expect(parentOf(child)).toBe(ids.spanId);
      }
    }
    // Only the run span's ids are derived: the children of the two processes differ.
    const childIds = (spans: ReadableSpan[]) =>
      spans.filter((s) => s.name !== "invoke_agent a").map((s) => s.spanContext().spanId);
    expect(childIds(firstSpans).some((id) => childIds(secondSpans).includes(id))).toBe(false);
    expect(runSpanIdsOf("run-43")).not.toEqual(ids);
  });

  it("leaves ids random when the plugin is not given it", async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
      idGenerator: new RunSpanIds(),
    });
    const plugin = tracingPlugin({ tracer: provider.getTracer("test") });
    const agent = new Agent({
      name: "a",
      instructions: "",
      model: scriptedModel([{ text: "hi" }]),
      plugins: [plugin],
    });
    await agent.run("go", { runId: "run-42" });
    const root = exporter.getFinishedSpans().find((s) => s.name === "invoke_agent a")!;
    expect(root.spanContext().spanId).not.toBe(runSpanIdsOf("run-42").spanId);
  });
});
