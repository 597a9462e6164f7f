import { describe, expect, it } from "vitest";
import { estimateTokenCounter, qwenTokenCounter } from "../../src/context/token-counter.ts";
import {
  truncateMiddle,
  truncateToChars,
  truncateToolResults,
  truncationMarker,
} from "../../src/context/truncate-tool-results.ts";
import type { Message, ToolMessage } from "../../src/model/messages.ts";
import { scriptedModel } from "../../src/testing/scripted-model.ts";
import { deepFreeze } from "./histories.ts";

const model = scriptedModel([]);

function history(result: string): Message[] {
  return [
    { role: "user", content: "x".repeat(50_000) },
    { role: "assistant", content: "", toolCalls: [{ id: "1", name: "read", arguments: "{}" }] },
    { role: "tool", toolCallId: "1", name: "read", content: result },
  ];
}

describe("truncationMarker", () => {
  it("says how much was cut, with thousands separators", () => {
    expect(truncationMarker(12_345, 20_000)).toBe("[... truncated 12,345 characters of 20,000 ...]");
  });
});

describe("truncateMiddle", () => {
  it("keeps the head and the tail around the marker", () => {
    const text = "HEAD" + "m".repeat(10_000) + "TAIL";
    const cut = truncateMiddle(text, 300);
    expect(cut.startsWith("HEAD")).toBe(true);
    expect(cut.endsWith("TAIL")).toBe(true);
    expect(cut).toContain("[... truncated 9,708 characters of 10,008 ...]");
    expect(cut.replace(/\n\[\.\.\. truncated .*\.\.\.\]\n/, "").length).toBe(300);
  });

  it("never splits a surrogate pair", () => {
    const text = "😀".repeat(1000);
    for (const keep of [1, 2, 3, 101, 333]) {
      const [head, tail] = truncateMiddle(text, keep).split(/\n\[\.\.\..*\.\.\.\]\n/);
      expect(head).toMatch(/^(😀)*$/u);
      expect(tail).toMatch(/^(😀)*$/u);
    }
  });

  it("leaves short text alone", () => {
    expect(truncateMiddle("short", 10)).toBe("short");
  });
});

describe("truncateToolResults", () => {
  it("cuts tool results to maxChars, marker included, and leaves other messages and the input alone", async () => {
    const input = deepFreeze(history("a".repeat(15_000) + "b".repeat(5_000)));
    const out = await truncateToolResults({ maxChars: 2_000 }).prepare({ messages: input }, { model });
    expect(out.messages).not.toBe(input);
    expect(out.messages[0]).toBe(input[0]);
    expect(out.messages[1]).toBe(input[1]);
    const tool = out.messages[2] as ToolMessage;
    expect(tool.content.length).toBeLessThanOrEqual(2_000);
    expect(tool.content.length).toBeGreaterThan(1_900);
    expect(tool.toolCallId).toBe("1");
    expect(tool.content).toMatch(/^a+\n\[\.\.\. truncated 18,\d{3} characters of 20,000 \.\.\.\]\nb+$/);
    expect((input[2] as ToolMessage).content.length).toBe(20_000);
  });

  it("cuts tool results to maxTokens as the Qwen3 tokenizer counts them", async () => {
    const counter = qwenTokenCounter();
    await counter.ready?.();
    const result = Array.from({ length: 3_000 }, (_, i) => `row ${i}: revenue ${(i * 7.3).toFixed(1)}`).join(
      "\n",
    );
    expect(counter.count(result)).toBeGreaterThan(20_000);
    const out = await truncateToolResults({ maxTokens: 1_000, counter }).prepare(
      { messages: history(result) },
      { model },
    );
    const content = (out.messages[2] as ToolMessage).content;
    expect(counter.count(content)).toBeLessThanOrEqual(1_000);
    expect(counter.count(content)).toBeGreaterThan(800);
    expect(content.startsWith("row 0: revenue 0.0\n")).toBe(true);
    expect(content.endsWith("row 2999: revenue 21892.7")).toBe(true);
  });

  it("hands out the same cut message turn after turn", async () => {
    const input = history("y".repeat(10_000));
    const manager = truncateToolResults({ maxChars: 500 });
    const first = await manager.prepare({ messages: input }, { model });
    const second = await manager.prepare({ messages: [...input] }, { model });
    expect(second.messages[2]).toBe(first.messages[2]);
    const changed = await manager.prepare(
      { messages: [...input.slice(0, 2), { ...(input[2] as ToolMessage), content: "short now" }] },
      { model },
    );
    expect((changed.messages[2] as ToolMessage).content).toBe("short now");
  });

  it("keeps results within the limit as the same objects", async () => {
    const input = history("small");
    const out = await truncateToolResults({ maxTokens: 100, counter: estimateTokenCounter() }).prepare(
      { messages: input },
      { model },
    );
    expect(out.messages).toEqual(input);
    expect(out.messages[2]).toBe(input[2]);
  });

  it("rejects a missing or negative limit", () => {
    expect(() => truncateToolResults({ maxChars: -1 })).toThrow(RangeError);
    expect(() => truncateToolResults({} as never)).toThrow(RangeError);
  });
});

describe("truncateToChars", () => {
  it("stays within the limit whatever the text's length", () => {
    for (const length of [100, 999, 1_000, 1_001, 55_555, 1_234_567]) {
      const cut = truncateToChars("z".repeat(length), 1_000);
      expect(cut.length).toBeLessThanOrEqual(1_000);
    }
  });
});
