import { describe, expect, it } from "vitest";
import { Agent, tool } from "../../src/index.ts";
import type { Message } from "../../src/model/messages.ts";
import type { ModelEvent, ModelRequest, ToolSpec } from "../../src/model/model.ts";
import { qwenTextToolCalls } from "../../src/models/qwen-text/index.ts";
import { scriptedModel } from "../../src/testing/index.ts";
import { counterIds, localFixture, mergeDeltas } from "./helpers.ts";

const investmentTool: ToolSpec = {
  name: "get_ai_investment",
  description: "AI investment of a company, in USD",
  parameters: { type: "object", properties: { company: { type: "string" } }, required: ["company"] },
};

async function collect(stream: AsyncIterable<ModelEvent>): Promise<ModelEvent[]> {
  const events: ModelEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe("qwenTextToolCalls (the inner model is a scripted double whose text holds the raw tags)", () => {
  it("parses calls out of the text stream and reports finish reason tool-calls", async () => {
    for (const chunkSize of [1, 3, 8, 64]) {
      const inner = scriptedModel([{ text: localFixture("qwen3-hermes-completion.txt") }], { chunkSize });
      const model = qwenTextToolCalls(inner, { generateId: counterIds() });
      const request: ModelRequest = {
        system: "You are an analyst.",
        messages: [{ role: "user", content: "Compare Alibaba and Tencent." }],
        tools: [investmentTool],
        toolChoice: "auto",
        parallelToolCalls: true,
      };
      const events = mergeDeltas(await collect(model.stream(request)));
      expect(events.filter((e) => e.type !== "usage")).toEqual([
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
        { type: "finish", reason: "tool-calls" },
      ]);
      expect(events.some((e) => e.type === "usage")).toBe(true);

      const sent = inner.requests[0]!;
      expect(sent.tools).toBeUndefined();
      expect(sent.toolChoice).toBeUndefined();
      expect(sent.parallelToolCalls).toBeUndefined();
      expect(sent.system?.startsWith("You are an analyst.\n\n# Tools\n\n")).toBe(true);
      expect(sent.system).toContain('{"type": "function", "function": {"name": "get_ai_investment"');
    }
  });

  it("keeps finish reason stop and passes text through when no call is made", async () => {
    const inner = scriptedModel([{ text: "Plain answer." }]);
    const events = await collect(qwenTextToolCalls(inner).stream({ messages: [], tools: [investmentTool] }));
    expect(mergeDeltas(events).filter((e) => e.type !== "usage")).toEqual([
      { type: "text-delta", text: "Plain answer." },
      { type: "finish", reason: "stop" },
    ]);
  });

  it("writes earlier calls and results back as text the template would produce", async () => {
    const inner = scriptedModel([{ text: "Done." }]);
    const history: Message[] = [
      { role: "user", content: "Compare." },
      {
        role: "assistant",
        content: "Looking.",
        toolCalls: [
          { id: "a", name: "get_ai_investment", arguments: '{"company":"Alibaba"}' },
          { id: "b", name: "get_ai_investment", arguments: '{"company":"Tencent"}' },
        ],
      },
      { role: "tool", toolCallId: "a", name: "get_ai_investment", content: "53 billion" },
      { role: "tool", toolCallId: "b", name: "get_ai_investment", content: "12 billion" },
    ];
    await collect(qwenTextToolCalls(inner).stream({ messages: history, tools: [investmentTool] }));
    expect(inner.requests[0]!.messages).toEqual([
      { role: "user", content: "Compare." },
      {
        role: "assistant",
        content:
          'Looking.\n<tool_call>\n{"name": "get_ai_investment", "arguments": {"company": "Alibaba"}}\n</tool_call>\n' +
          '<tool_call>\n{"name": "get_ai_investment", "arguments": {"company": "Tencent"}}\n</tool_call>',
      },
      {
        role: "user",
        content:
          "<tool_response>\n53 billion\n</tool_response>\n<tool_response>\n12 billion\n</tool_response>",
      },
    ]);
  });

  it("uses the Coder form and types parameters by the tool schema", async () => {
    const readFile: ToolSpec = {
      name: "read_file",
      description: "Reads a file",
      parameters: {
        type: "object",
        properties: { path: { type: "string" }, max_bytes: { type: "integer" } },
      },
    };
    const inner = scriptedModel([{ text: localFixture("qwen3-coder-xml-completion.txt") }], { chunkSize: 5 });
    const model = qwenTextToolCalls(inner, { format: "coder", generateId: counterIds() });
    const events = await collect(
      model.stream({ messages: [{ role: "user", content: "go" }], tools: [readFile] }),
    );
    const call = events.find((e) => e.type === "tool-call");
    expect(call).toEqual({
      type: "tool-call",
      call: {
        id: "call_1",
        name: "read_file",
        arguments: '{"path":"data/ai-investments.json","max_bytes":4096}',
      },
    });
    expect(events.at(-1)).toEqual({ type: "finish", reason: "tool-calls" });
    const system = inner.requests[0]!.system!;
    expect(system.startsWith("You are Qwen, a helpful AI assistant")).toBe(true);
    expect(system).toContain("<function>\n<name>read_file</name>");
  });

  it("leaves the tools out of the prompt when toolChoice is none", async () => {
    const inner = scriptedModel([{ text: "ok" }]);
    await collect(
      qwenTextToolCalls(inner).stream({
        system: "S",
        messages: [],
        tools: [investmentTool],
        toolChoice: "none",
      }),
    );
    expect(inner.requests[0]!.system).toBe("S");
  });

  it("runs an agent's tool loop end to end over plain text", async () => {
    const lookups: string[] = [];
    const lookup = tool({
      name: "get_ai_investment",
      description: "AI investment of a company",
      input: { type: "object", properties: { company: { type: "string" } }, required: ["company"] },
      run: ({ company }: { company: string }) => {
        lookups.push(company);
        return `${company}: 53 billion`;
      },
    });
    const inner = scriptedModel([
      {
        text: 'Checking.\n<tool_call>\n{"name": "get_ai_investment", "arguments": {"company": "Alibaba"}}\n</tool_call>',
      },
      { text: "Alibaba invested 53 billion." },
    ]);
    const agent = new Agent({
      name: "analyst",
      model: qwenTextToolCalls(inner),
      tools: [lookup],
      retry: false,
    });
    const result = await agent.run("How much did Alibaba invest?");
    expect(result.text).toBe("Alibaba invested 53 billion.");
    expect(lookups).toEqual(["Alibaba"]);
    const second = inner.requests[1]!;
    expect(second.tools).toBeUndefined();
    expect(second.messages.at(-1)).toEqual({
      role: "user",
      content: "<tool_response>\nAlibaba: 53 billion\n</tool_response>",
    });
    expect(second.messages.at(-2)?.content).toContain('<tool_call>\n{"name": "get_ai_investment"');
  });
});
