import { describe, expect, it } from "vitest";
import type { ToolSpec } from "../../src/model/model.ts";
import {
  pythonJson,
  renderQwenAssistantText,
  renderQwenCoderToolCall,
  renderQwenCoderToolsPrompt,
  renderQwenToolCall,
  renderQwenToolResponses,
  renderQwenToolsPrompt,
} from "../../src/models/qwen-text/index.ts";
import { parseChunks } from "./helpers.ts";

const weather: ToolSpec = {
  name: "get_weather",
  description: "Current weather for a city. ",
  parameters: {
    type: "object",
    properties: {
      city: { type: "string", description: "City name" },
      days: { type: "integer", minimum: 1 },
      metric: { type: "boolean" },
    },
    required: ["city"],
  },
};

describe("pythonJson", () => {
  it("writes what Python's json.dumps writes", () => {
    expect(pythonJson({ a: [1, "x", null, true], b: { "c d": 1.5 }, e: 'é\n"' })).toBe(
      '{"a": [1, "x", null, true], "b": {"c d": 1.5}, "e": "é\\n\\""}',
    );
    expect(pythonJson([])).toBe("[]");
    expect(pythonJson({})).toBe("{}");
  });
});

describe("tools prompts", () => {
  it("renders Qwen3's # Tools section with one JSON line per tool", () => {
    expect(renderQwenToolsPrompt([weather])).toBe(
      "# Tools\n\nYou may call one or more functions to assist with the user query.\n\n" +
        "You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n" +
        '{"type": "function", "function": {"name": "get_weather", "description": "Current weather for a city. ", ' +
        '"parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "City name"}, ' +
        '"days": {"type": "integer", "minimum": 1}, "metric": {"type": "boolean"}}, "required": ["city"]}}}\n' +
        "</tools>\n\nFor each function call, return a json object with function name and arguments within " +
        '<tool_call></tool_call> XML tags:\n<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call>',
    );
  });

  it("renders Qwen3-Coder's XML tool descriptions", () => {
    const prompt = renderQwenCoderToolsPrompt([weather]);
    expect(
      prompt.startsWith("# Tools\n\nYou have access to the following functions:\n\n<tools>\n<function>\n"),
    ).toBe(true);
    expect(prompt).toContain(
      "<name>get_weather</name>\n<description>Current weather for a city.</description>\n<parameters>\n" +
        "<parameter>\n<name>city</name>\n<type>string</type>\n<description>City name</description>\n</parameter>\n" +
        "<parameter>\n<name>days</name>\n<type>integer</type>\n<minimum>1</minimum>\n</parameter>\n" +
        '<parameter>\n<name>metric</name>\n<type>boolean</type>\n</parameter>\n<required>["city"]</required>\n' +
        "</parameters>\n</function>\n</tools>",
    );
    expect(prompt.endsWith("</IMPORTANT>")).toBe(true);
  });
});

describe("calls", () => {
  const call = { name: "get_weather", arguments: '{"city":"Hangzhou","days":3,"metric":true}' };

  it("renders the Hermes form as the template does", () => {
    expect(renderQwenToolCall(call)).toBe(
      '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Hangzhou", "days": 3, "metric": true}}\n</tool_call>',
    );
  });

  it("renders the Coder form", () => {
    expect(renderQwenCoderToolCall({ name: "f", arguments: { s: "two\nlines", n: 2, o: { a: [1] } } })).toBe(
      '<tool_call>\n<function=f>\n<parameter=s>\ntwo\nlines\n</parameter>\n<parameter=n>\n2\n</parameter>\n<parameter=o>\n{"a": [1]}\n</parameter>\n</function>\n</tool_call>',
    );
  });

  it.each(["hermes", "coder"] as const)("round-trips an assistant turn through the parser (%s)", (format) => {
    const text = renderQwenAssistantText(
      { content: "Checking.", toolCalls: [call, { ...call, arguments: "{}" }] },
      format,
    );
    const events = parseChunks([text], { tools: [weather] });
    expect(events).toEqual([
      { type: "text-delta", text: "Checking." },
      { type: "tool-call", call: { id: "call_1", ...call } },
      { type: "tool-call", call: { id: "call_2", name: "get_weather", arguments: "{}" } },
    ]);
  });

  it("lays out content and calls as each template does", () => {
    expect(renderQwenAssistantText({ content: "", toolCalls: [{ name: "a", arguments: {} }] })).toBe(
      '<tool_call>\n{"name": "a", "arguments": {}}\n</tool_call>',
    );
    expect(
      renderQwenAssistantText({ content: "Hi", toolCalls: [{ name: "a", arguments: {} }] }, "coder"),
    ).toBe("Hi\n\n<tool_call>\n<function=a>\n</function>\n</tool_call>");
    expect(renderQwenAssistantText({ content: "Just text" })).toBe("Just text");
  });

  it("renders tool results as <tool_response> blocks", () => {
    expect(renderQwenToolResponses(["1", "2"])).toBe(
      "<tool_response>\n1\n</tool_response>\n<tool_response>\n2\n</tool_response>",
    );
    expect(renderQwenToolResponses(["1"], "coder")).toBe("<tool_response>\n1\n</tool_response>\n");
  });
});
