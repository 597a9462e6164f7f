import { describe, expect, it } from "vitest";
import type { ModelEvent, ToolSpec } from "../../src/model/model.ts";
import { createQwenTextParser } from "../../src/models/qwen-text/index.ts";
import { counterIds, localFixture, parseChunks, randomChunks, seededRandom } from "./helpers.ts";

const readFileTool: ToolSpec = {
  name: "read_file",
  description: "Reads a file",
  parameters: {
    type: "object",
    properties: { path: { type: "string" }, max_bytes: { type: "integer" } },
    required: ["path"],
  },
};

const hermesExpected: ModelEvent[] = [
  {
    type: "reasoning-delta",
    text: "The user wants both companies' figures, so I should call the tool twice.",
  },
  { type: "text-delta", text: "I'll look up both companies." },
  {
    type: "tool-call",
    call: { id: "call_1", name: "get_ai_investment", arguments: '{"company":"Alibaba"}' },
  },
  {
    type: "tool-call",
    call: { id: "call_2", name: "get_ai_investment", arguments: '{"company":"Tencent"}' },
  },
];

const coderExpected: ModelEvent[] = [
  { type: "text-delta", text: "I'll check the data file first." },
  {
    type: "tool-call",
    call: {
      id: "call_1",
      name: "read_file",
      arguments: '{"path":"data/ai-investments.json","max_bytes":4096}',
    },
  },
];

describe.each([
  { name: "qwen3-hermes-completion.txt", expected: hermesExpected },
  { name: "qwen3-coder-xml-completion.txt", expected: coderExpected },
])("fixture $name", ({ name, expected }) => {
  const text = localFixture(name);
  const tools = [readFileTool];

  it("parses the whole completion", () => {
    expect(parseChunks([text], { tools })).toEqual(expected);
  });

  it("gives the same events when split at every point", () => {
    for (let i = 0; i <= text.length; i++) {
      expect(parseChunks([text.slice(0, i), text.slice(i)], { tools }), `split at ${i}`).toEqual(expected);
    }
  });

  it("gives the same events one character at a time and in random chunks", () => {
    expect(parseChunks([...text], { tools })).toEqual(expected);
    const random = seededRandom(42);
    for (let run = 0; run < 200; run++)
      expect(parseChunks(randomChunks(text, random), { tools })).toEqual(expected);
  });
});

describe("malformed cases (shared/fixtures/local/malformed-cases.txt)", () => {
  const blocks = localFixture("malformed-cases.txt")
    .split(/^---$/m)
    .map((block) => block.replace(/^\n/, "").split("\n"))
    .map((lines) => ({
      expect: lines.find((l) => l.startsWith("# expect:"))!,
      body: lines.filter((l) => !l.startsWith("#")).join("\n"),
    }));

  it("has the four documented cases", () => {
    expect(blocks.map((b) => b.expect)).toHaveLength(4);
  });

  it.each(blocks.map((b, i) => ({ ...b, i })))("case $i: $expect", ({ expect: expectation, body }) => {
    const wantsOneCall = expectation.startsWith("# expect: one call");
    expect(wantsOneCall || expectation.startsWith("# expect: no call")).toBe(true);
    for (let i = 0; i <= body.length; i++) {
      const events = parseChunks([body.slice(0, i), body.slice(i)]);
      const calls = events.filter((e) => e.type === "tool-call");
      const text = events.map((e) => (e.type === "text-delta" ? e.text : "")).join("");
      if (wantsOneCall) {
        expect(calls, `split at ${i}`).toHaveLength(1);
        expect(text).toBe("");
      } else {
        expect(calls, `split at ${i}`).toHaveLength(0);
        expect(text, "the text is kept").toBe(body.trim());
      }
      if (expectation.includes("do not double-encode") && calls[0]?.type === "tool-call")
        expect(calls[0].call.arguments).toBe('{"company": "Huawei"}');
      if (expectation.includes("closing tag missing") && calls[0]?.type === "tool-call")
        expect(JSON.parse(calls[0].call.arguments)).toEqual({ company: "Baidu" });
    }
  });
});

describe("streaming", () => {
  it("streams ordinary text at once and holds back only a possible tag", () => {
    const parser = createQwenTextParser({ generateId: counterIds() });
    expect(parser.push("Hello wor")).toEqual([{ type: "text-delta", text: "Hello wor" }]);
    expect(parser.push("ld <tool")).toEqual([{ type: "text-delta", text: "ld " }]);
    expect(parser.push("_c")).toEqual([]);
    expect(parser.push('all>{"name": "f", "arguments": {"a": 1}}')).toEqual([]);
    expect(parser.push("</tool_call> after")).toEqual([
      { type: "tool-call", call: { id: "call_1", name: "f", arguments: '{"a":1}' } },
      { type: "text-delta", text: " after" },
    ]);
    expect(parser.end()).toEqual([]);
    expect(parser.callCount).toBe(1);
  });

  it("releases a held '<' as text when it does not become a tag", () => {
    const parser = createQwenTextParser();
    expect(parser.push("a <")).toEqual([{ type: "text-delta", text: "a " }]);
    expect(parser.push("b and <tool_x>")).toEqual([{ type: "text-delta", text: "<b and <tool_x>" }]);
    expect(parser.push("1 <")).toEqual([{ type: "text-delta", text: "1 " }]);
    expect(parser.end()).toEqual([{ type: "text-delta", text: "<" }]);
  });

  it("streams reasoning as it comes", () => {
    const parser = createQwenTextParser();
    expect(parser.push("<think>\nstep one, ")).toEqual([{ type: "reasoning-delta", text: "step one, " }]);
    expect(parser.push("step two</thi")).toEqual([{ type: "reasoning-delta", text: "step two" }]);
    expect(parser.push("nk>\n\nDone.")).toEqual([{ type: "text-delta", text: "Done." }]);
  });
});

describe("reasoning", () => {
  const opened = "The template opened the block.\n</think>\n\nThe answer is 4.";

  it("starts inside <think> when the template opened it", () => {
    expect(parseChunks([opened], { startInReasoning: true })).toEqual([
      { type: "reasoning-delta", text: "The template opened the block." },
      { type: "text-delta", text: "The answer is 4." },
    ]);
  });

  it("decides from the first tag in auto mode, at every split point", () => {
    const expected = parseChunks([opened], { startInReasoning: true });
    for (let i = 0; i <= opened.length; i++)
      expect(parseChunks([opened.slice(0, i), opened.slice(i)], { startInReasoning: "auto" })).toEqual(
        expected,
      );
    expect(parseChunks(["<think>a</think>b"], { startInReasoning: "auto" })).toEqual([
      { type: "reasoning-delta", text: "a" },
      { type: "text-delta", text: "b" },
    ]);
    expect(parseChunks(["no tags at all"], { startInReasoning: "auto" })).toEqual([
      { type: "text-delta", text: "no tags at all" },
    ]);
  });

  it("drops a stray </think> when not told the block was opened", () => {
    expect(parseChunks([opened])).toEqual([
      { type: "text-delta", text: "The template opened the block.\nThe answer is 4." },
    ]);
  });

  it("keeps a tool_call tag inside reasoning as reasoning", () => {
    const events = parseChunks(['<think>I could write <tool_call>{"name": "f"}</tool_call>.</think>ok']);
    expect(events.filter((e) => e.type === "tool-call")).toHaveLength(0);
    expect(events[0]).toEqual({
      type: "reasoning-delta",
      text: 'I could write <tool_call>{"name": "f"}</tool_call>.',
    });
  });
});

describe("Qwen3-Coder values", () => {
  const tool: ToolSpec = {
    name: "configure",
    description: "",
    parameters: {
      type: "object",
      properties: {
        name: { type: "string" },
        count: { type: "integer" },
        ratio: { type: "number" },
        enabled: { type: "boolean" },
        options: { type: "object" },
        tags: { type: "array", items: { type: "string" } },
        mode: { enum: [1, 2] },
        maybe: { anyOf: [{ type: "integer" }, { type: "null" }] },
      },
    },
  };
  const call = (params: string) => `<tool_call>\n<function=configure>\n${params}</function>\n</tool_call>`;
  const args = (text: string, tools = [tool]) => {
    const event = parseChunks([text], { tools }).find((e) => e.type === "tool-call");
    return event?.type === "tool-call" ? JSON.parse(event.call.arguments) : undefined;
  };

  it("types values by the tool's schema", () => {
    const text = call(
      "<parameter=name>\n007\n</parameter>\n<parameter=count>\n42\n</parameter>\n<parameter=ratio>\n-1.5e2\n</parameter>\n" +
        '<parameter=enabled>\nTrue\n</parameter>\n<parameter=options>\n{"a": [1]}\n</parameter>\n' +
        '<parameter=tags>\n["x", "y"]\n</parameter>\n<parameter=mode>\n2\n</parameter>\n<parameter=maybe>\nnull\n</parameter>\n',
    );
    expect(args(text)).toEqual({
      name: "007",
      count: 42,
      ratio: -150,
      enabled: true,
      options: { a: [1] },
      tags: ["x", "y"],
      mode: 2,
      maybe: null,
    });
  });

  it("strips exactly one newline at each end and keeps the rest", () => {
    expect(args(call("<parameter=name>\n\n  two lines\nhere\n\n</parameter>\n"))).toEqual({
      name: "\n  two lines\nhere\n",
    });
    expect(args(call("<parameter=name>inline</parameter>"))).toEqual({ name: "inline" });
  });

  it("keeps text that does not parse as its type, and text of unknown tools", () => {
    expect(args(call("<parameter=count>\nmany\n</parameter>\n"))).toEqual({ count: "many" });
    expect(args(call("<parameter=count>\n42\n</parameter>\n"), [])).toEqual({ count: "42" });
  });

  it("tolerates a missing </parameter> and a missing <tool_call> wrapper", () => {
    expect(args(call("<parameter=count>\n1\n<parameter=name>\nx\n"))).toEqual({ count: 1, name: "x" });
    const bare =
      "Sure.\n<function=configure>\n<parameter=count>\n3\n</parameter>\n</function>\n</tool_call>\nDone";
    const events = parseChunks([bare], { tools: [tool] });
    expect(events).toEqual([
      { type: "text-delta", text: "Sure." },
      { type: "tool-call", call: { id: "call_1", name: "configure", arguments: '{"count":3}' } },
      { type: "text-delta", text: "Done" },
    ]);
  });
});

describe("more malformed output", () => {
  it("closes a call left open when the next <tool_call> starts", () => {
    const text =
      '<tool_call>\n{"name": "a", "arguments": {}}\n<tool_call>\n{"name": "b", "arguments": {}}\n</tool_call>';
    const names = parseChunks([text]).map((e) => (e.type === "tool-call" ? e.call.name : e.type));
    expect(names).toEqual(["a", "b"]);
  });

  it("keeps an unclosed bare <function=...> as text", () => {
    const text = "Write <function=name> to call a tool.";
    expect(parseChunks([text])).toEqual([{ type: "text-delta", text }]);
  });

  it("keeps a tool_call block whose JSON has no name as text", () => {
    const text = '<tool_call>{"arguments": {}}</tool_call>';
    expect(parseChunks([text])).toEqual([{ type: "text-delta", text }]);
  });

  it("accepts 'parameters' for 'arguments' and a missing arguments object", () => {
    const events = parseChunks([
      '<tool_call>{"name": "a", "parameters": {"x": 1}}</tool_call><tool_call>{"name": "b"}</tool_call>',
    ]);
    expect(events.map((e) => (e.type === "tool-call" ? e.call.arguments : ""))).toEqual(['{"x":1}', "{}"]);
  });

  it("makes random call ids by default", () => {
    const parser = createQwenTextParser();
    const events = parser.push('<tool_call>{"name": "a"}</tool_call><tool_call>{"name": "a"}</tool_call>');
    const ids = events.map((e) => (e.type === "tool-call" ? e.call.id : ""));
    expect(ids[0]).toMatch(/^call_[0-9a-f]{24}$/);
    expect(ids[0]).not.toBe(ids[1]);
  });
});
