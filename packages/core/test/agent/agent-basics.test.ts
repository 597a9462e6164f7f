import { describe, expect, it } from "vitest";
import { Agent, type AgentEvent, tool } from "../../src/index.ts";
import { scriptedModel } from "../../src/testing/index.ts";
import { expectValidHistory } from "../support/history.ts";

const add = tool({
  name: "add",
  description: "Adds two numbers",
  input: {
    type: "object",
    properties: { a: { type: "number" }, b: { type: "number" } },
    required: ["a", "b"],
    additionalProperties: false,
  },
  run: ({ a, b }: any) => a + b,
});

describe("agent loop", () => {
  it("streams a plain answer with typed events and returns the result", async () => {
    const model = scriptedModel([{ text: "Hello there, friend.", reasoning: "be kind" }]);
    const agent = new Agent({ name: "greeter", instructions: "Be kind.", model });
    const events: AgentEvent[] = [];
    const stream = agent.stream("hi");
    for await (const event of stream) events.push(event);
    const types = events.map((e) => e.type).filter((t, i, all) => all.indexOf(t) === i);
    expect(types).toEqual([
      "run-start",
      "turn-start",
      "before-model-call",
      "reasoning-delta",
      "text-delta",
      "after-model-call",
      "turn-end",
      "run-end",
    ]);
    const text = events.flatMap((e) => (e.type === "text-delta" ? [e.text] : [])).join("");
    expect(text).toBe("Hello there, friend.");
    const result = await stream.result;
    expect(result.stopReason).toBe("done");
    expect(result.text).toBe("Hello there, friend.");
    expect(result.messages).toEqual([
      { role: "user", content: "hi" },
      { role: "assistant", content: "Hello there, friend.", reasoning: "be kind" },
    ]);
    expect(result.usage.totalTokens).toBe(15);
    expect(model.requests[0]!.system).toBe("Be kind.");
  });

  it("runs tool calls, sends the results back and commits call and results together", async () => {
    const model = scriptedModel([
      {
        toolCalls: [
          { name: "add", arguments: { a: 2, b: 3 } },
          { name: "add", arguments: { a: 10, b: 5 } },
        ],
      },
      { text: "5 and 15" },
    ]);
    const agent = new Agent({ name: "calc", model, tools: [add] });
    const result = await agent.run("add things");
    expect(result.text).toBe("5 and 15");
    expectValidHistory(result.messages);
    const toolMessages = result.messages.filter((m) => m.role === "tool");
    expect(toolMessages.map((m) => m.content)).toEqual(["5", "15"]);
    const second = model.requests[1]!;
    expect(second.messages.at(-1)).toMatchObject({ role: "tool", content: "15" });
    expect(second.tools?.[0]).toMatchObject({ name: "add", description: "Adds two numbers" });
    expect(result.usage.totalTokens).toBe(30);
  });

  it("emits a tool-call event with complete, parsed arguments before the result", async () => {
    const model = scriptedModel([
      { toolCalls: [{ id: "c1", name: "add", arguments: '{"a": 1, "b": 2}' }] },
      { text: "3" },
    ]);
    const events: AgentEvent[] = [];
    for await (const e of new Agent({ name: "calc", model, tools: [add] }).stream("1+2")) events.push(e);
    const before = events.find((e) => e.type === "tool-call");
    const result = events.find((e) => e.type === "tool-result");
    expect(before).toMatchObject({ call: { id: "c1", name: "add", input: { a: 1, b: 2 } } });
    expect(result).toMatchObject({ callId: "c1", name: "add", content: "3" });
    expect(events.indexOf(before!)).toBeLessThan(events.indexOf(result!));
  });

  it("streams progress from async-generator tools", async () => {
    const slowCount = tool({
      name: "count",
      description: "Counts to three",
      input: { type: "object", properties: {} },
      async *run() {
        yield { step: 1 };
        yield { step: 2 };
        return "done counting";
      },
    });
    const model = scriptedModel([{ toolCalls: [{ name: "count", arguments: {} }] }, { text: "ok" }]);
    const events: AgentEvent[] = [];
    for await (const e of new Agent({ name: "a", model, tools: [slowCount] }).stream("go")) events.push(e);
    const progress = events.filter((e) => e.type === "tool-progress").map((e) => (e as any).data);
    expect(progress).toEqual([{ step: 1 }, { step: 2 }]);
    expect(events.find((e) => e.type === "tool-result")).toMatchObject({ content: "done counting" });
  });

  it("runs tools of one turn concurrently by default and one by one on request", async () => {
    const log: string[] = [];
    const gates = new Map<string, () => void>();
    const gated = tool({
      name: "gated",
      description: "Waits for its gate",
      input: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
      run: async ({ id }: any) => {
        log.push(`start ${id}`);
        if (id === "a") await new Promise<void>((resolve) => gates.set("a", resolve));
        log.push(`end ${id}`);
        return id;
      },
    });
    // Concurrent: b finishes while a waits; b's result releases a.
    const concurrent = new Agent({
      name: "c",
      model: scriptedModel([
        {
          toolCalls: [
            { name: "gated", arguments: { id: "a" } },
            { name: "gated", arguments: { id: "b" } },
          ],
        },
        { text: "done" },
      ]),
      tools: [gated],
      plugins: [
        {
          name: "release",
          hooks: { "tool-result": (e) => (e.content === "b" ? gates.get("a")?.() : undefined) },
        },
      ],
    });
    const result = await concurrent.run("go");
    expect(log).toEqual(["start a", "start b", "end b", "end a"]);
    expect(result.messages.filter((m) => m.role === "tool").map((m) => m.content)).toEqual(["a", "b"]);

    log.length = 0;
    const sequential = new Agent({
      name: "s",
      model: scriptedModel([
        {
          toolCalls: [
            { name: "gated", arguments: { id: "b" } },
            { name: "gated", arguments: { id: "c" } },
          ],
        },
        { text: "done" },
      ]),
      tools: [gated],
      toolExecution: "sequential",
    });
    await sequential.run("go");
    expect(log).toEqual(["start b", "end b", "start c", "end c"]);
  });

  it("keeps concurrent runs on one agent apart", async () => {
    const model = scriptedModel(
      Array.from({ length: 20 }, () => (request: any) => {
        const last = request.messages.at(-1);
        if (last.role === "user")
          return { toolCalls: [{ name: "add", arguments: { a: Number(last.content), b: 1 } }] };
        return { text: `answer ${last.content}` };
      }),
    );
    const agent = new Agent({ name: "calc", model, tools: [add] });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => agent.run(String(i))));
    results.forEach((result, i) => {
      expect(result.text).toBe(`answer ${i + 1}`);
      expect(result.messages).toHaveLength(4);
      expect(result.messages[0]).toEqual({ role: "user", content: String(i) });
      expectValidHistory(result.messages);
    });
    expect(new Set(results.map((r) => r.runId)).size).toBe(10);
  });

  it("continues from a prior history", async () => {
    const model = scriptedModel([{ text: "first" }, { text: "second" }]);
    const agent = new Agent({ name: "a", model });
    const first = await agent.run("one");
    const second = await agent.run("two", { history: first.messages });
    expect(second.messages.map((m) => m.content)).toEqual(["one", "first", "two", "second"]);
    expect(model.requests[1]!.messages.map((m) => m.content)).toEqual(["one", "first", "two"]);
  });

  it("rejects two tools with one name", () => {
    expect(() => new Agent({ name: "a", tools: [add, add] })).toThrow(/two tools named "add"/);
  });
});
