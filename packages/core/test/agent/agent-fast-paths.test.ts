// `agent.run()` reads no events, so the loop hands it only the run-end event and runs lone tool calls without a
// queue; function tools are called without a generator per call. These tests pin what must not change with that.
import { describe, expect, it } from "vitest";
import {
  Agent,
  type AgentEvent,
  type AgentEventType,
  type Plugin,
  type RunResult,
  type Tool,
  tool,
} from "../../src/index.ts";
import { scriptedModel } from "../../src/testing/index.ts";

const allTypes: AgentEventType[] = [
  "run-start",
  "turn-start",
  "before-model-call",
  "text-delta",
  "reasoning-delta",
  "after-model-call",
  "turn-end",
  "turn-discarded",
  "tool-call",
  "before-tool-call",
  "tool-progress",
  "after-tool-call",
  "tool-result",
  "tool-error",
  "error",
  "run-end",
];

/** A plugin that records the type of every event it sees. */
function recorder(): { plugin: Plugin; seen: AgentEventType[] } {
  const seen: AgentEventType[] = [];
  const hooks = Object.fromEntries(allTypes.map((t) => [t, (e: AgentEvent) => void seen.push(e.type)]));
  return { plugin: { name: "recorder", hooks }, seen };
}

const echo = tool({
  name: "echo",
  description: "Echoes its text",
  input: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
  run: ({ text }: { text: string }) => text,
});

const later = tool({
  name: "later",
  description: "Answers asynchronously",
  input: { type: "object", properties: {} },
  run: async () => "later",
});

const counts = tool({
  name: "counts",
  description: "Reports progress, then a result",
  input: { type: "object", properties: {} },
  async *run() {
    yield 1;
    yield 2;
    return "counted";
  },
});

const script = () =>
  scriptedModel([
    { text: "Let me look.", toolCalls: [{ name: "echo", arguments: { text: "one" } }] },
    {
      toolCalls: [
        { name: "later", arguments: {} },
        { name: "counts", arguments: {} },
      ],
    },
    { toolCalls: [{ name: "counts", arguments: {} }] },
    { text: "All done here.", reasoning: "sum up" },
  ]);

const agentWith = (plugin: Plugin, tools: Tool<any>[] = [echo, later, counts]) =>
  new Agent({ name: "a", model: script(), tools, plugins: [plugin] });

describe("agent.run() fast paths", () => {
  it("run() passes every event through the hooks in the order stream() yields them", async () => {
    const viaRun = recorder();
    await agentWith(viaRun.plugin).run("go");
    const viaStream = recorder();
    const yielded: AgentEventType[] = [];
    for await (const event of agentWith(viaStream.plugin).stream("go")) yielded.push(event.type);
    expect(viaStream.seen).toEqual(yielded);
    expect(viaRun.seen).toEqual(viaStream.seen);
    expect(new Set(viaRun.seen)).toEqual(
      new Set(allTypes.filter((t) => !["turn-discarded", "tool-error", "error"].includes(t))),
    );
  });

  it("a run's own plugin sees the events of run() too", async () => {
    const perRun = recorder();
    const agent = new Agent({ name: "a", model: scriptedModel([{ text: "hi" }]) });
    await agent.run("hi", { plugins: [perRun.plugin] });
    expect(perRun.seen).toEqual([
      "run-start",
      "turn-start",
      "before-model-call",
      "text-delta",
      "after-model-call",
      "turn-end",
      "run-end",
    ]);
  });

  it("function tools give the same results through run() and stream(): plain, promised and generator", async () => {
    const results: RunResult[] = [];
    results.push(await agentWith(recorder().plugin).run("go"));
    const stream = agentWith(recorder().plugin).stream("go");
    for await (const _ of stream);
    results.push(await stream.result);
    for (const result of results) {
      const toolMessages = result.messages.filter((m) => m.role === "tool").map((m) => m.content);
      expect(toolMessages).toEqual(["one", "later", "counted", "counted"]);
      expect(result.text).toBe("All done here.");
    }
  });

  it("a tool whose stream was replaced runs the replacement, not the function it was made from", async () => {
    const patched = tool({
      name: "echo",
      description: "Echoes its text",
      input: { type: "object", properties: { text: { type: "string" } } },
      run: () => "original",
    });
    Object.assign(patched, {
      async *stream() {
        yield { type: "result" as const, content: "replacement" };
      },
    });
    const copied: Tool<any> = { ...echo, description: "A copy keeps its stream" };
    for (const [t, expected] of [
      [patched, "replacement"],
      [copied, "x"],
    ] as const) {
      const model = scriptedModel([
        { toolCalls: [{ name: "echo", arguments: { text: "x" } }] },
        { text: "ok" },
      ]);
      const result = await new Agent({ name: "a", model, tools: [t] }).run("go");
      expect(result.messages[2]!.content).toBe(expected);
    }
  });

  it("an asynchronous function tool still gets its deadline and the run's cancellation", async () => {
    const hangs = tool({
      name: "hangs",
      description: "Never answers and ignores its signal",
      input: { type: "object", properties: {} },
      timeoutMs: 20,
      run: () => new Promise(() => {}),
    });
    const timedOut = await new Agent({
      name: "a",
      model: scriptedModel([{ toolCalls: [{ name: "hangs", arguments: {} }] }, { text: "ok" }]),
      tools: [hangs],
    }).run("go");
    expect(timedOut.messages[2]).toMatchObject({ isError: true, content: expect.stringContaining("20 ms") });

    const controller = new AbortController();
    let signalSeen: AbortSignal | undefined;
    const waits = tool({
      name: "waits",
      description: "Waits for the run's cancellation",
      input: { type: "object", properties: {} },
      run: (_input: unknown, ctx) => {
        signalSeen = ctx.signal;
        queueMicrotask(() => controller.abort());
        return new Promise((_, reject) =>
          ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)),
        );
      },
    });
    const error = await new Agent({
      name: "a",
      model: scriptedModel([{ toolCalls: [{ name: "waits", arguments: {} }] }, { text: "never" }]),
      tools: [waits],
    })
      .run("go", { signal: controller.signal })
      .catch((e) => e);
    expect(error.stopReason).toBe("cancelled");
    expect(signalSeen?.aborted).toBe(true);
    expect(error.result.messages[2]).toMatchObject({ content: "Tool waits was cancelled", isError: true });
  });
});
