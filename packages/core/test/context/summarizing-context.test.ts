import { describe, expect, it } from "vitest";
import { historyProblems } from "../../src/context/history-units.ts";
import { DEFAULT_SUMMARY_PROMPT } from "../../src/context/summarize.ts";
import { SUMMARY_HEADER, summarizingContext } from "../../src/context/summarizing-context.ts";
import { countRequestTokens, estimateTokenCounter } from "../../src/context/token-counter.ts";
import { ModelServerError } from "../../src/errors/errors.ts";
import type { Message } from "../../src/model/messages.ts";
import type { ModelRequest } from "../../src/model/model.ts";
import { scriptedModel } from "../../src/testing/scripted-model.ts";
import { deepFreeze, parallelToolHistory } from "./histories.ts";

const counter = estimateTokenCounter();
const tokens = (messages: Message[]) => countRequestTokens(counter, { messages });
const history = deepFreeze(parallelToolHistory());
const mainModel = scriptedModel([]);
/** A window whose trigger (0.8 of it) sits just below the whole history. */
const contextWindow = Math.ceil((tokens(history) - 40) / 0.8);
const sentText = (request: ModelRequest | undefined) =>
  request?.messages.map((m) => m.content).join("\n") ?? "";

function grown(base: Message[], id: string, resultChars: number): Message[] {
  return [
    ...base,
    { role: "assistant", content: "Here is what I found." },
    { role: "user", content: `Next question ${id}` },
    { role: "assistant", content: "", toolCalls: [{ id, name: "search", arguments: '{"q":"more"}' }] },
    { role: "tool", toolCallId: id, name: "search", content: "r".repeat(resultChars) },
  ];
}

describe("summarizingContext", () => {
  it("sends the history as it is while it is under the trigger", async () => {
    const summarizer = scriptedModel([]);
    const manager = summarizingContext({ model: summarizer, contextWindow: contextWindow * 2, counter });
    const out = await manager.prepare({ messages: history }, { model: mainModel });
    expect(out.messages).toEqual(history);
    expect(out.messages).not.toBe(history);
    expect(summarizer.requests).toHaveLength(0);
  });

  it("replaces the oldest turns by a marked summary and keeps recent turns and the latest user message", async () => {
    const summarizer = scriptedModel([{ text: "Alibaba spends 380B yuan on AI; Tencent less." }]);
    const manager = summarizingContext({ model: summarizer, contextWindow, keepRecentTurns: 2, counter });
    const out = await manager.prepare(
      { messages: history, system: "You are an analyst." },
      { model: mainModel },
    );

    expect(summarizer.requests).toHaveLength(1);
    const sent = summarizer.requests[0]!;
    expect(sent.system).toBe(DEFAULT_SUMMARY_PROMPT);
    expect(sent.maxOutputTokens).toBe(2048);
    const transcript = sentText(sent);
    expect(transcript).toContain("User: Compare the AI spending of Alibaba and Tencent.");
    expect(transcript).toContain('[called search with {"q":"Alibaba AI capex"}]');
    expect(transcript).toContain("Tool result (search): Tencent: ");
    expect(transcript).not.toContain("ByteDance capex"); // recent turns are not summarized

    expect(out.system).toBe("You are an analyst.");
    expect(out.messages[0]!.role).toBe("user");
    expect(out.messages[0]!.content.startsWith(SUMMARY_HEADER)).toBe(true);
    expect(out.messages[0]!.content).toContain("Alibaba spends 380B yuan on AI; Tencent less.");
    expect(out.messages[0]!.content).toContain("8 earlier messages");
    expect(out.messages.slice(1)).toEqual([history[7], ...history.slice(8)]);
    expect(historyProblems(out.messages)).toEqual([]);
    expect(tokens(out.messages)).toBeLessThan(tokens(history));
  });

  it("reuses the cached summary while it keeps the prompt under the trigger, then extends it", async () => {
    const summarizer = scriptedModel([{ text: "SUMMARY-ONE" }, { text: "SUMMARY-TWO" }]);
    const manager = summarizingContext({ model: summarizer, contextWindow, keepRecentTurns: 2, counter });
    await manager.prepare({ messages: history }, { model: mainModel });
    expect(summarizer.requests).toHaveLength(1);

    // Same history again: no new call.
    const again = await manager.prepare({ messages: history }, { model: mainModel });
    expect(summarizer.requests).toHaveLength(1);
    expect(again.messages[0]!.content).toContain("SUMMARY-ONE");

    // A little more: the history is over the trigger, the old summary plus the rest is not.
    const longer = deepFreeze(grown(history, "e1", 100));
    expect(tokens(longer)).toBeGreaterThan(contextWindow * 0.8);
    const reused = await manager.prepare({ messages: longer }, { model: mainModel });
    expect(summarizer.requests).toHaveLength(1);
    expect(reused.messages[0]!.content).toContain("SUMMARY-ONE");
    expect(reused.messages.slice(1)).toEqual(longer.slice(8));

    // Much more: the summary is extended from where it stopped, not rebuilt from the start.
    const longest = deepFreeze(grown(longer, "f1", 4_000));
    const extended = await manager.prepare({ messages: longest }, { model: mainModel });
    expect(summarizer.requests).toHaveLength(2);
    const transcript = sentText(summarizer.requests[1]);
    expect(transcript).toContain("Summary so far:\n<summary>\nSUMMARY-ONE\n</summary>");
    expect(transcript).toContain("Tool result (search): ByteDance capex");
    expect(transcript).toContain("User: Next question e1");
    expect(transcript).not.toContain("Compare the AI spending");
    expect(extended.messages[0]!.content).toContain("SUMMARY-TWO");
    expect(extended.messages.slice(1)).toEqual([longest[19], ...longest.slice(20)]);
    expect(historyProblems(extended.messages)).toEqual([]);
  });

  it("falls back to the sliding window when the summarizer fails, and tries again next turn", async () => {
    const errors: unknown[] = [];
    const failure = new ModelServerError("summarizer down");
    const summarizer = scriptedModel([{ error: failure }, { text: "RECOVERED" }]);
    const manager = summarizingContext({
      model: summarizer,
      contextWindow,
      keepRecentTurns: 2,
      counter,
      onError: (error) => errors.push(error),
    });
    const out = await manager.prepare({ messages: history }, { model: mainModel });
    expect(errors).toEqual([failure]);
    expect(historyProblems(out.messages)).toEqual([]);
    expect(tokens(out.messages)).toBeLessThanOrEqual(Math.floor(contextWindow * 0.8));
    expect(out.messages).toContain(history[7]);
    expect(out.messages.some((m) => m.content.startsWith(SUMMARY_HEADER))).toBe(false);

    const next = await manager.prepare({ messages: history }, { model: mainModel });
    expect(next.messages[0]!.content).toContain("RECOVERED");
  });

  it("treats an empty summary as a failure", async () => {
    const errors: unknown[] = [];
    const summarizer = scriptedModel([{ text: "   " }]);
    const manager = summarizingContext({
      model: summarizer,
      contextWindow,
      counter,
      onError: (e) => errors.push(e),
    });
    const out = await manager.prepare({ messages: history }, { model: mainModel });
    expect(errors).toHaveLength(1);
    expect(historyProblems(out.messages)).toEqual([]);
  });

  it("stops when the run is aborted while summarizing", async () => {
    const controller = new AbortController();
    const summarizer = scriptedModel([{ hang: true }]);
    const manager = summarizingContext({ model: summarizer, contextWindow, counter });
    const pending = manager.prepare({ messages: history }, { model: mainModel, signal: controller.signal });
    controller.abort(new Error("user cancelled"));
    await expect(pending).rejects.toThrow("user cancelled");
  });

  it("uses the run's model and its context window by default", async () => {
    const model = scriptedModel([{ text: "BY-RUN-MODEL" }], {
      info: { contextWindow, maxOutputTokens: 1_000 },
    });
    const out = await summarizingContext({ counter }).prepare({ messages: history }, { model });
    expect(model.requests).toHaveLength(1);
    expect(out.messages[0]!.content).toContain("BY-RUN-MODEL");
  });

  it("folds a long span into the summary in several calls", async () => {
    const summarizer = scriptedModel(
      Array.from({ length: 10 }, (_, i) => ({ text: `PART-${i}` })),
      { info: { contextWindow: 2_000, maxOutputTokens: 500 } },
    );
    const big: Message[] = [{ role: "user", content: "Read all pages." }];
    for (let i = 0; i < 8; i++) {
      big.push({
        role: "assistant",
        content: "",
        toolCalls: [{ id: `p${i}`, name: "read", arguments: "{}" }],
      });
      big.push({ role: "tool", toolCallId: `p${i}`, name: "read", content: `page ${i} `.padEnd(2_000, "x") });
    }
    const manager = summarizingContext({
      model: summarizer,
      contextWindow: 4_000,
      keepRecentTurns: 1,
      counter,
    });
    const out = await manager.prepare({ messages: big }, { model: mainModel });
    const calls = summarizer.requests.length;
    expect(calls).toBeGreaterThan(1);
    for (let i = 1; i < calls; i++)
      expect(sentText(summarizer.requests[i])).toContain(`<summary>\nPART-${i - 1}\n`);
    expect(out.messages[0]!.content).toContain(`PART-${calls - 1}`);
    expect(out.messages.slice(1)).toEqual([big[0], ...big.slice(-2)]);
  });

  it("leaves the history alone when no context window is known", async () => {
    const summarizer = scriptedModel([]);
    const out = await summarizingContext({ model: summarizer, counter }).prepare(
      { messages: history },
      { model: mainModel },
    );
    expect(out.messages).toEqual(history);
    expect(summarizer.requests).toHaveLength(0);
  });
});
