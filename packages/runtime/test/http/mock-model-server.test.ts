import { openaiCompatible } from "@skein/core";
import { type MockOpenAIServer, startMockOpenAIServer } from "@skein/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.ts";
import { readSse, startTestServer, type TestServer } from "./harness.ts";

let t: TestServer | undefined;
let mock: MockOpenAIServer | undefined;
afterEach(async () => {
  await t?.close();
  await mock?.close();
  t = undefined;
  mock = undefined;
});

describe("the example agent over HTTP against the mock OpenAI-compatible server (test double)", () => {
  it("runs a tool-calling turn and streams every step, committed in order", async () => {
    mock = await startMockOpenAIServer({
      responses: [
        { type: "tool-calls", calls: [{ id: "call_list", name: "list_companies", arguments: {} }] },
        { type: "text", text: "Four companies are covered." },
      ],
    });
    const { agents } = await loadConfig(new URL("../../../..", import.meta.url).pathname);
    t = await startTestServer(agents, {
      defaultModel: openaiCompatible({ baseURL: mock.url, model: "qwen-plus", apiKey: "test-key" }),
    });
    const response = await t.call("/v1/agents/ai-market-analyst/invocations", {
      method: "POST",
      json: { input: "Which companies do you cover?", stream: true },
    });
    const events = await readSse(response);
    const kinds = events.map((e) => e.event);
    expect(kinds[0]).toBe("run-start");
    expect(kinds.filter((k) => ["turn-end", "tool-call", "tool-result", "run-end"].includes(k!))).toEqual([
      "turn-end",
      "tool-call",
      "tool-result",
      "turn-end",
      "run-end",
    ]);
    const result = events.find((e) => e.event === "tool-result")!.data;
    expect(result.content).toMatch(/Alibaba/);
    expect(events.at(-1)?.data).toMatchObject({ stopReason: "done", text: "Four companies are covered." });
    // The second model request carried the tool result the first turn produced.
    const second = mock.requests[1]?.body as { messages: { role: string; tool_call_id?: string }[] };
    expect(second.messages.some((m) => m.role === "tool" && m.tool_call_id === "call_list")).toBe(true);
    const run = await (await t.call(`/v1/runs/${response.headers.get("x-skein-run-id")}`)).json();
    expect(run).toMatchObject({ status: "completed", steps: 3 });
  });
});
