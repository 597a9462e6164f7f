import { describe, expect, it } from "vitest";
import { Agent, type AgentEvent, AgentRunError, type Plugin, tool } from "../../src/index.ts";
import { scriptedModel } from "../../src/testing/index.ts";
import { expectValidHistory } from "../support/history.ts";

const calls: string[] = [];
const weather = tool({
  name: "weather",
  description: "Weather for a city",
  input: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  run: ({ city }: any) => {
    calls.push(city);
    return { city, celsius: 21 };
  },
});

const oneCall = () =>
  scriptedModel([{ toolCalls: [{ name: "weather", arguments: { city: "Paris" } }] }, { text: "done" }]);

describe("hooks", () => {
  it("a before-tool-call hook can deny a call with a message the model sees", async () => {
    calls.length = 0;
    const model = oneCall();
    const policy: Plugin = {
      name: "policy",
      hooks: {
        "before-tool-call": (e) => {
          e.deny = "weather is not allowed here";
        },
      },
    };
    const events: AgentEvent[] = [];
    for await (const e of new Agent({ name: "a", model, tools: [weather], plugins: [policy] }).stream("hi"))
      events.push(e);
    expect(calls).toEqual([]);
    expect(events.find((e) => e.type === "tool-error")).toMatchObject({ error: { code: "tool_denied" } });
    expect(model.requests[1]!.messages.at(-1)).toMatchObject({
      role: "tool",
      content: "weather is not allowed here",
      isError: true,
    });
  });

  it("a before-tool-call hook can rewrite arguments", async () => {
    calls.length = 0;
    const rewrite: Plugin = {
      name: "rewrite",
      hooks: {
        "before-tool-call": (e) => {
          e.call.input = { city: "Lyon" };
        },
      },
    };
    const result = await new Agent({ name: "a", model: oneCall(), tools: [weather], plugins: [rewrite] }).run(
      "hi",
    );
    expect(calls).toEqual(["Lyon"]);
    expect(result.messages[2]).toMatchObject({ content: '{"city":"Lyon","celsius":21}' });
  });

  it("a before-tool-call hook can supply the result without running the tool (async hooks awaited)", async () => {
    calls.length = 0;
    const cache: Plugin = {
      name: "cache",
      hooks: {
        "before-tool-call": async (e) => {
          await Promise.resolve();
          e.result = { city: "Paris", celsius: 5, cached: true };
        },
      },
    };
    const result = await new Agent({ name: "a", model: oneCall(), tools: [weather], plugins: [cache] }).run(
      "hi",
    );
    expect(calls).toEqual([]);
    expect(result.messages[2]).toMatchObject({ content: '{"city":"Paris","celsius":5,"cached":true}' });
  });

  it("an after-tool-call hook can replace the content and retry a failing tool", async () => {
    let attempts = 0;
    const flaky = tool({
      name: "flaky",
      description: "Fails once",
      input: { type: "object", properties: {} },
      run: () => {
        attempts++;
        if (attempts === 1) throw new Error("transient");
        return "secret=abc";
      },
    });
    const plugin: Plugin = {
      name: "retry-and-redact",
      hooks: {
        "after-tool-call": (e) => {
          if (e.isError && e.attempt === 1) e.retry = { delayMs: 0 };
          else e.content = e.content.replace(/secret=\w+/, "secret=[redacted]");
        },
      },
    };
    const model = scriptedModel([{ toolCalls: [{ name: "flaky", arguments: {} }] }, { text: "ok" }]);
    const result = await new Agent({ name: "a", model, tools: [flaky], plugins: [plugin] }).run("hi");
    expect(attempts).toBe(2);
    expect(result.messages[2]).toMatchObject({ role: "tool", content: "secret=[redacted]" });
  });

  it("a before-model-call hook can edit the request without touching the history", async () => {
    const model = scriptedModel([{ text: "ok" }]);
    const inject: Plugin = {
      name: "inject",
      hooks: {
        "before-model-call": (e) => {
          e.request = { ...e.request, system: `${e.request.system}\n<memory>likes tea</memory>` };
        },
      },
    };
    const result = await new Agent({ name: "a", instructions: "Be brief.", model, plugins: [inject] }).run(
      "hi",
    );
    expect(model.requests[0]!.system).toBe("Be brief.\n<memory>likes tea</memory>");
    expect(result.messages).toHaveLength(2);
  });

  it("hooks see the same event objects as the stream, in the same order", async () => {
    const seen: AgentEvent[] = [];
    const spy: Plugin = {
      name: "spy",
      hooks: Object.fromEntries(
        ["run-start", "turn-start", "text-delta", "tool-call", "tool-result", "turn-end", "run-end"].map(
          (t) => [t, (e: AgentEvent) => void seen.push(e)],
        ),
      ),
    };
    const streamed: AgentEvent[] = [];
    for await (const e of new Agent({ name: "a", model: oneCall(), tools: [weather], plugins: [spy] }).stream(
      "hi",
    )) {
      if (seen.includes(e)) streamed.push(e);
    }
    expect(streamed).toEqual(seen);
    expect(seen.length).toBeGreaterThan(6);
  });
});

describe("structured output", () => {
  const schema = {
    type: "object",
    properties: { city: { type: "string" }, celsius: { type: "number" } },
    required: ["city", "celsius"],
    additionalProperties: false,
  };

  it("yields a validated object and asks for JSON Schema output", async () => {
    const model = scriptedModel([{ text: '```json\n{"city": "Paris", "celsius": 21}\n```' }]);
    const result = await new Agent<{ city: string; celsius: number }>({
      name: "a",
      model,
      output: schema,
    }).run("hi");
    expect(result.output).toEqual({ city: "Paris", celsius: 21 });
    expect(model.requests[0]!.responseFormat).toMatchObject({
      type: "json_schema",
      schema: { required: ["city", "celsius"] },
    });
  });

  it("sends the validation error back and accepts a corrected answer", async () => {
    const model = scriptedModel([{ text: "It is sunny" }, { text: '{"city": "Paris", "celsius": 21}' }]);
    const result = await new Agent({ name: "a", model, output: schema }).run("hi");
    expect(result.output).toEqual({ city: "Paris", celsius: 21 });
    expect(model.requests[1]!.messages.at(-1)!.content).toMatch(/not valid JSON/);
    expectValidHistory(result.messages);
  });

  it("stops with a clear error after bounded retries", async () => {
    const model = scriptedModel([
      { text: "no" },
      { text: "still no" },
      { text: "never" },
      { text: "unreachable" },
    ]);
    const error = await new Agent({ name: "a", model, output: schema, outputRetries: 2 })
      .run("hi")
      .catch((e) => e);
    expect(error).toBeInstanceOf(AgentRunError);
    expect(error.stopReason).toBe("output-invalid");
    expect(error.code).toBe("output_invalid");
    expect(model.requests).toHaveLength(3);
    expectValidHistory(error.result.messages);
  });
});

describe("agent as tool", () => {
  it("delegates to a sub-agent, forwards its tool activity and returns its answer", async () => {
    const researcher = new Agent({
      name: "researcher",
      description: "Finds facts",
      model: scriptedModel([
        { toolCalls: [{ name: "weather", arguments: { city: "Oslo" } }] },
        { text: "Oslo is 21C" },
      ]),
      tools: [weather],
    });
    const lead = new Agent({
      name: "lead",
      model: scriptedModel([
        { toolCalls: [{ name: "researcher", arguments: { input: "weather in Oslo?" } }] },
        { text: "Researcher says: Oslo is 21C" },
      ]),
      tools: [researcher.asTool()],
    });
    const events: AgentEvent[] = [];
    for await (const e of lead.stream("go")) events.push(e);
    expect(events.find((e) => e.type === "tool-progress")).toMatchObject({
      data: { agent: "researcher", toolCall: "weather" },
    });
    expect(events.find((e) => e.type === "tool-result")).toMatchObject({
      name: "researcher",
      content: "Oslo is 21C",
    });
  });
});

describe("plugins with tools", () => {
  const note = tool({
    name: "note",
    description: "Takes a note",
    input: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
    run: ({ text }: any) => `noted ${text}`,
  });

  it("an agent's plugin adds its tools to every run", async () => {
    const model = scriptedModel([
      { toolCalls: [{ name: "note", arguments: { text: "x" } }] },
      { text: "ok" },
    ]);
    const agent = new Agent({
      name: "a",
      model,
      tools: [weather],
      plugins: [{ name: "notes", hooks: {}, tools: [note] }],
    });
    const result = await agent.run("hi");
    expect(model.requests[0]!.tools?.map((t) => t.name)).toEqual(["weather", "note"]);
    expect(result.messages[2]).toMatchObject({ role: "tool", content: "noted x" });
  });

  it("a per-run plugin's tools exist for that run only", async () => {
    const model = scriptedModel([
      { toolCalls: [{ name: "note", arguments: { text: "y" } }] },
      { text: "ok" },
      { toolCalls: [{ name: "note", arguments: { text: "z" } }] },
      { text: "ok" },
    ]);
    const agent = new Agent({ name: "a", model, tools: [weather] });
    const withNotes = await agent.run("hi", { plugins: [{ name: "notes", hooks: {}, tools: [note] }] });
    expect(withNotes.messages[2]).toMatchObject({ content: "noted y" });
    const without = await agent.run("hi");
    expect(model.requests[2]!.tools?.map((t) => t.name)).toEqual(["weather"]);
    expect(without.messages[2]).toMatchObject({
      isError: true,
      content: expect.stringMatching(/Unknown tool "note"/),
    });
  });

  it("a plugin tool may not shadow an agent tool", () => {
    const shadow = { ...note, name: "weather" };
    expect(
      () => new Agent({ name: "a", tools: [weather], plugins: [{ name: "p", hooks: {}, tools: [shadow] }] }),
    ).toThrow(/two tools named "weather"/);
  });
});
