import type { AgentEvent, ToolMessage } from "@skein/core";
import { scriptedModel } from "@skein/core/testing";
import { describe, expect, it } from "vitest";
import analyst from "../agent.ts";
import { MIDPOINT_BASIS } from "../src/analysis.ts";

const collect = async (events: AsyncIterable<AgentEvent>) => {
  const all: AgentEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
};

describe("the ai-market-analyst agent with a scripted model (test double)", () => {
  it("exposes its tools to the model with JSON Schemas", async () => {
    const model = scriptedModel([{ text: "ok" }]);
    await analyst.run("hi", { model });
    const tools = model.requests[0]?.tools ?? [];
    expect(tools.map((t) => t.name)).toEqual([
      "list_companies",
      "get_company",
      "compare_investments",
      "investment_shares",
      "markdown_table",
      "market_overview",
    ]);
    const compare = tools.find((t) => t.name === "compare_investments");
    expect(compare?.parameters).toMatchObject({
      type: "object",
      properties: { companies: { type: "array" } },
    });
    expect(model.requests[0]?.system).toMatch(/midpoints of estimated ranges/);
  });

  it("plays a tool-calling conversation: compare, then shares, then the answer built from the results", async () => {
    const model = scriptedModel([
      {
        toolCalls: [
          { id: "c1", name: "compare_investments", arguments: { companies: ["Alibaba", "tencent"] } },
        ],
      },
      {
        toolCalls: [
          { id: "c2", name: "investment_shares", arguments: { companies: ["Alibaba", "Tencent"] } },
        ],
      },
      (request) => {
        // The answer quotes what the tools returned, as a real model would.
        const tools = request.messages.filter((m): m is ToolMessage => m.role === "tool");
        const comparison = JSON.parse(tools[0]!.content);
        const shares = JSON.parse(tools[1]!.content);
        const alibaba = shares.companies.find((c: { name: string }) => c.name === "Alibaba");
        return {
          text: `Alibaba's midpoint exceeds Tencent's by $${comparison.pairs[0].midpointDifference}B; its share is ${alibaba.sharePercent}% (midpoints).`,
        };
      },
    ]);
    const events = await collect(analyst.stream("How does Alibaba compare with Tencent?", { model }));
    const results = events.filter((e) => e.type === "tool-result");
    expect(results.map((r) => r.name)).toEqual(["compare_investments", "investment_shares"]);
    const comparison = JSON.parse(results[0]!.content);
    expect(comparison.basis).toBe(MIDPOINT_BASIS);
    expect(comparison.pairs[0]).toMatchObject({
      first: "Alibaba",
      second: "Tencent",
      midpointDifference: 42,
      possibleDifferenceRange: [41, 43],
    });
    const end = events.at(-1);
    expect(end?.type).toBe("run-end");
    if (end?.type !== "run-end") return;
    expect(end.stopReason).toBe("done");
    expect(end.text).toBe("Alibaba's midpoint exceeds Tencent's by $42B; its share is 82.8% (midpoints).");
    expect(end.messages.map((m) => m.role)).toEqual([
      "user",
      "assistant",
      "tool",
      "assistant",
      "tool",
      "assistant",
    ]);
    expect(model.remaining).toBe(0);
  });

  it("returns an unknown company to the model as a tool error with its code, and the model recovers", async () => {
    const model = scriptedModel([
      { toolCalls: [{ name: "get_company", arguments: { name: "ByteDance" } }] },
      {
        toolCalls: [{ name: "markdown_table", arguments: { fields: ["investment"], companies: ["Baidu"] } }],
      },
      { text: "ByteDance is not in the data set." },
    ]);
    const events = await collect(analyst.stream("Tell me about ByteDance", { model }));
    const failure = events.find((e) => e.type === "tool-error");
    expect(failure?.type === "tool-error" && failure.error.code).toBe("company_not_found");
    const toolMessage = model.requests[1]?.messages.find((m) => m.role === "tool");
    expect(toolMessage?.content).toMatch(/Known companies: Alibaba, Tencent, Baidu, Huawei/);
    const table = events.find((e) => e.type === "tool-result");
    expect(table?.type === "tool-result" && table.content).toBe(
      "| Company | AI investment 2023-2025 |\n| --- | --- |\n| Baidu | ~$8-10B |",
    );
    expect(events.at(-1)).toMatchObject({ type: "run-end", stopReason: "done" });
  });

  it("rejects arguments that break the schema before the tool runs", async () => {
    const model = scriptedModel([
      { toolCalls: [{ name: "compare_investments", arguments: { companies: ["Alibaba"] } }] },
      { text: "I need two companies." },
    ]);
    const events = await collect(analyst.stream("Compare Alibaba", { model }));
    const failure = events.find((e) => e.type === "tool-error");
    expect(failure?.type === "tool-error" && failure.error.code).toBe("tool_invalid_arguments");
    expect(failure?.type === "tool-error" && failure.error.message).toMatch(/companies/);
    expect(events.some((e) => e.type === "tool-result")).toBe(false);
  });
});
