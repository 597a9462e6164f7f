import { type AgentEvent, openaiCompatible } from "@skein/core";
import { type MockOpenAIServer, startMockOpenAIServer } from "@skein/core/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import analyst from "../agent.ts";

let mock: MockOpenAIServer;
beforeEach(async () => {
  mock = await startMockOpenAIServer();
});
afterEach(async () => {
  await mock.close();
});

describe("the ai-market-analyst agent against a mock OpenAI-compatible server (test double)", () => {
  it("runs the tool over the wire and answers from its result", async () => {
    mock.enqueue(
      {
        type: "tool-calls",
        reasoning: "I should compute shares.",
        calls: [
          { id: "call_shares", name: "investment_shares", arguments: { companies: ["Huawei", "Baidu"] } },
        ],
      },
      (request) => {
        const toolMessage = request.body.messages.find((m: { role: string }) => m.role === "tool");
        const shares = JSON.parse(toolMessage.content);
        const huawei = shares.companies.find((c: { name: string }) => c.name === "Huawei");
        return { type: "text", text: `Huawei holds ${huawei.sharePercent}% of the two (by midpoints).` };
      },
    );
    const model = openaiCompatible({ baseURL: mock.url, model: "qwen-plus", apiKey: "test-key" });
    const events: AgentEvent[] = [];
    for await (const event of analyst.stream("What share does Huawei have next to Baidu?", { model })) {
      events.push(event);
    }

    const result = events.find((e) => e.type === "tool-result");
    expect(result?.type === "tool-result" && JSON.parse(result.content)).toMatchObject({
      totalMidpointUsdBillions: 22.5,
      companies: [
        { name: "Huawei", sharePercent: 60 },
        { name: "Baidu", sharePercent: 40 },
      ],
    });
    expect(events.at(-1)).toMatchObject({
      type: "run-end",
      stopReason: "done",
      text: "Huawei holds 60% of the two (by midpoints).",
    });
    expect(events.some((e) => e.type === "reasoning-delta")).toBe(true);

    // What went over the wire: the system prompt, the tool schemas, then the tool result echoed back.
    expect(mock.requests).toHaveLength(2);
    const first = mock.requests[0]!;
    expect(first.headers.authorization).toBe("Bearer test-key");
    expect(first.body.model).toBe("qwen-plus");
    expect(first.body.messages[0]).toMatchObject({ role: "system" });
    expect(first.body.tools.map((t: { function: { name: string } }) => t.function.name)).toContain(
      "investment_shares",
    );
    const second = mock.requests[1]!.body.messages;
    expect(second.at(-2)).toMatchObject({ role: "assistant", tool_calls: [{ id: "call_shares" }] });
    expect(second.at(-1)).toMatchObject({ role: "tool", tool_call_id: "call_shares" });
  });
});
