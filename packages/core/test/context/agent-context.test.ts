import { describe, expect, it } from "vitest";
import { autoContext } from "../../src/context/index.ts";
import { SUMMARY_HEADER } from "../../src/context/summarizing-context.ts";
import { countRequestTokens, estimateTokenCounter } from "../../src/context/token-counter.ts";
import { Agent, tool } from "../../src/index.ts";
import { scriptedModel } from "../../src/testing/index.ts";
import { expectValidHistory } from "../support/history.ts";

const readPage = tool({
  name: "read_page",
  description: "Reads one page of a report",
  input: { type: "object", properties: { page: { type: "number" } }, required: ["page"] },
  run: ({ page }: any) => `page ${page}: `.padEnd(1_500, "lorem ipsum "),
});

describe("context management inside the agent loop", () => {
  it("shapes what the model sees each turn while the run keeps its whole history", async () => {
    const counter = estimateTokenCounter();
    const contextWindow = 2_000;
    const pages = 8;
    const model = scriptedModel(
      [
        ...Array.from({ length: pages }, (_, i) => ({
          text: `Reading page ${i}.`,
          toolCalls: [{ name: "read_page", arguments: { page: i } }],
        })),
        { text: "The report is about lorem ipsum." },
      ],
      { info: { contextWindow, maxOutputTokens: 200 } },
    );
    const summarizer = scriptedModel(
      Array.from({ length: 20 }, (_, i) => ({ text: `Pages read so far (${i}).` })),
    );
    const agent = new Agent({
      name: "reader",
      instructions: "Read the whole report, then say what it is about.",
      model,
      tools: [readPage],
      maxOutputTokens: 200,
      context: autoContext({ model: summarizer, counter, keepRecentTurns: 2 }),
    });

    const result = await agent.run("What is the report about?");

    expect(result.stopReason).toBe("done");
    expect(result.text).toBe("The report is about lorem ipsum.");
    expect(result.messages).toHaveLength(1 + 2 * pages + 1);
    expectValidHistory(result.messages);
    expect(summarizer.requests.length).toBeGreaterThan(0);
    expect(summarizer.requests.length).toBeLessThanOrEqual(pages / 2); // summaries are reused and extended
    expect(model.requests).toHaveLength(pages + 1);
    for (const request of model.requests) {
      expectValidHistory(request.messages);
      expect(request.messages).toContainEqual({ role: "user", content: "What is the report about?" });
      expect(countRequestTokens(counter, request)).toBeLessThanOrEqual(contextWindow - 200);
    }
    const last = model.requests.at(-1)!;
    expect(last.messages[0]!.content.startsWith(SUMMARY_HEADER)).toBe(true);
    expect(last.messages.length).toBeLessThan(result.messages.length);
  });
});
