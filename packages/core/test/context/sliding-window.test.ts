import { describe, expect, it } from "vitest";
import { historyProblems, splitUnits } from "../../src/context/history-units.ts";
import { fitToWindow, slidingWindow } from "../../src/context/sliding-window.ts";
import { countRequestTokens, estimateTokenCounter } from "../../src/context/token-counter.ts";
import type { Message } from "../../src/model/messages.ts";
import { scriptedModel } from "../../src/testing/scripted-model.ts";
import { expectValidHistory } from "../support/history.ts";
import { deepFreeze, parallelToolHistory } from "./histories.ts";

const counter = estimateTokenCounter();
const model = scriptedModel([]);
const tokens = (messages: Message[], system?: string) => countRequestTokens(counter, { messages, system });

describe("splitUnits", () => {
  it("keeps each assistant message with its parallel tool results", () => {
    const units = splitUnits(parallelToolHistory());
    expect(units.map((u) => [u.start, u.end])).toEqual([
      [0, 1],
      [1, 4],
      [4, 6],
      [6, 7],
      [7, 8],
      [8, 12],
      [12, 14],
    ]);
  });
});

describe("historyProblems", () => {
  it("finds orphan tool results and missing results", () => {
    const h = parallelToolHistory();
    expect(historyProblems(h)).toEqual([]);
    expect(historyProblems(h.slice(2))).toHaveLength(2); // two results without their assistant message
    expect(historyProblems([...h.slice(0, 9), ...h.slice(12)])).toHaveLength(1); // c1..c3 unanswered
  });
});

describe("slidingWindow", () => {
  const history = deepFreeze(parallelToolHistory());

  it("sends everything, as a new array, when the history fits", async () => {
    const out = await slidingWindow({ maxTokens: 100_000, counter }).prepare(
      { messages: history },
      { model },
    );
    expect(out.messages).toEqual(history);
    expect(out.messages).not.toBe(history);
  });

  it("drops the oldest whole units and keeps the latest user turn", async () => {
    // Room for the newest three units (units 4..6) and nothing older.
    const budget = tokens(history.slice(7));
    const out = await slidingWindow({ maxTokens: budget, counter }).prepare({ messages: history }, { model });
    expect(out.messages).toEqual(history.slice(7));
    expectValidHistory(out.messages);
  });

  it("never separates parallel tool results from their call", async () => {
    for (let budget = tokens(history.slice(12)); budget <= tokens(history); budget++) {
      const out = fitToWindow({ messages: history }, budget, counter);
      expect(historyProblems(out)).toEqual([]);
      expect(out[0]?.role).not.toBe("tool");
      expect(out).toContain(history[7]); // the latest user message
      expect(out.at(-1)).toBe(history[13]);
    }
  });

  it("keeps the latest user message and the newest unit even when they alone are over the budget", async () => {
    const out = fitToWindow({ messages: history }, 10, counter);
    expect(out).toEqual([history[7], ...history.slice(12)]);
    expectValidHistory(out);
  });

  it("keeps the first user message when asked", async () => {
    const budget = tokens([history[0]!, ...history.slice(7)]);
    const out = await slidingWindow({ maxTokens: budget, counter, keepFirstUserMessage: true }).prepare(
      { messages: history },
      { model },
    );
    expect(out.messages).toEqual([history[0], ...history.slice(7)]);
  });

  it("counts the system prompt and tool definitions against the budget", async () => {
    const system = "s".repeat(2_000);
    const withSystem = fitToWindow({ messages: history, system }, tokens(history.slice(7)), counter);
    expect(withSystem.length).toBeLessThan(history.length - 7);
    expect(withSystem).toContain(history[7]);
  });

  it("takes the budget from the model's context window less room for the answer", async () => {
    const window = tokens(history.slice(7)) + 100;
    const small = scriptedModel([], { info: { contextWindow: window, maxOutputTokens: 100 } });
    const out = await slidingWindow({ counter }).prepare(
      { messages: history, maxOutputTokens: 100 },
      { model: small },
    );
    expect(out.messages).toEqual(history.slice(7));
    // Without any window it cannot know what fits, so it leaves the history alone.
    const unknown = await slidingWindow({ counter }).prepare({ messages: history }, { model });
    expect(unknown.messages).toEqual(history);
  });

  it("does not open the window with tool messages that lost their assistant message", async () => {
    const broken = history.slice(2); // starts with two orphan results
    const out = fitToWindow({ messages: broken }, tokens(broken) - 1, counter);
    expect(out[0]?.role).not.toBe("tool");
  });
});
