import { describe, expect, it } from "vitest";
import type { ContextManager } from "../../src/agent/types.ts";
import { historyProblems } from "../../src/context/history-units.ts";
import { autoContext, composeContext } from "../../src/context/index.ts";
import { SUMMARY_HEADER } from "../../src/context/summarizing-context.ts";
import { countRequestTokens, estimateTokenCounter } from "../../src/context/token-counter.ts";
import type { Message, ToolMessage } from "../../src/model/messages.ts";
import { scriptedModel } from "../../src/testing/scripted-model.ts";
import { deepFreeze, parallelToolHistory } from "./histories.ts";

const counter = estimateTokenCounter();

describe("composeContext", () => {
  it("runs the managers in order, each on the previous one's output", async () => {
    const seen: string[][] = [];
    const tag = (name: string): ContextManager => ({
      prepare(request) {
        seen.push(request.messages.map((m) => m.content));
        return { ...request, messages: [...request.messages, { role: "user", content: name }] };
      },
    });
    const input = deepFreeze<Message[]>([{ role: "user", content: "start" }]);
    const out = await composeContext(tag("a"), tag("b")).prepare(
      { messages: input },
      { model: scriptedModel([]) },
    );
    expect(seen).toEqual([["start"], ["start", "a"]]);
    expect(out.messages.map((m) => m.content)).toEqual(["start", "a", "b"]);
  });

  it("stops before the next manager once aborted", async () => {
    const controller = new AbortController();
    const calls: string[] = [];
    const abortingManager: ContextManager = {
      prepare(request) {
        calls.push("first");
        controller.abort(new Error("stop"));
        return request;
      },
    };
    const second: ContextManager = {
      prepare(request) {
        calls.push("second");
        return request;
      },
    };
    const pending = composeContext(abortingManager, second).prepare(
      { messages: [{ role: "user", content: "x" }] },
      { model: scriptedModel([]), signal: controller.signal },
    );
    await expect(pending).rejects.toThrow("stop");
    expect(calls).toEqual(["first"]);
  });
});

describe("autoContext", () => {
  it("cuts huge tool results, summarizes old turns and keeps the prompt inside the window", async () => {
    const history = parallelToolHistory();
    history[5] = { ...(history[5] as ToolMessage), content: "huge page ".repeat(5_000) };
    const frozen = deepFreeze(history);
    const contextWindow = 1_200;
    const model = scriptedModel([{ text: "SUMMARY OF THE FIRST TURN" }], {
      info: { contextWindow, maxOutputTokens: 8_000 },
    });
    const out = await autoContext({ counter, keepRecentTurns: 2 }).prepare({ messages: frozen }, { model });

    expect(model.requests).toHaveLength(1);
    const transcript = model.requests[0]!.messages[0]!.content;
    expect(transcript).toContain("[... truncated"); // the summarizer saw the cut result, not 50,000 characters
    expect(transcript.length).toBeLessThan(10_000);
    expect(out.messages[0]!.content.startsWith(SUMMARY_HEADER)).toBe(true);
    expect(historyProblems(out.messages)).toEqual([]);
    expect(countRequestTokens(counter, out)).toBeLessThanOrEqual(contextWindow - contextWindow / 4);
    expect((frozen[5] as ToolMessage).content.length).toBe(50_000);
  });

  it("still fits the window when the summarizer fails", async () => {
    const history = deepFreeze(parallelToolHistory());
    const contextWindow = 700;
    const model = scriptedModel([{ error: new Error("no summarizer today") }], {
      info: { contextWindow, maxOutputTokens: 100 },
    });
    const out = await autoContext({ counter }).prepare(
      { messages: history, maxOutputTokens: 100 },
      { model },
    );
    expect(historyProblems(out.messages)).toEqual([]);
    expect(countRequestTokens(counter, out)).toBeLessThanOrEqual(contextWindow - 100);
    expect(out.messages).toContain(history[7]);
  });
});
