import { describe, expect, it } from "vitest";
import {
  countRequestTokens,
  defaultTokenCounter,
  estimateTokenCounter,
  estimateTokens,
  loadQwenTokenizer,
  qwenTokenCounter,
} from "../../src/context/token-counter.ts";
import { SkeinError } from "../../src/errors/errors.ts";
import type { Message } from "../../src/model/messages.ts";
import { parallelToolHistory } from "./histories.ts";

/** The Qwen3 chat template (tokenizer_config.json), transcribed for histories without reasoning. */
function renderQwenChat(messages: Message[], system?: string): string {
  let out = system ? `<|im_start|>system\n${system}<|im_end|>\n` : "";
  messages.forEach((m, i) => {
    if (m.role === "user" || m.role === "system") out += `<|im_start|>${m.role}\n${m.content}<|im_end|>\n`;
    if (m.role === "assistant") {
      out += `<|im_start|>assistant\n${m.content}`;
      (m.toolCalls ?? []).forEach((c, j) => {
        if (j > 0 || m.content) out += "\n";
        out += `<tool_call>\n{"name": "${c.name}", "arguments": ${c.arguments}}\n</tool_call>`;
      });
      out += "<|im_end|>\n";
    }
    if (m.role === "tool") {
      if (messages[i - 1]?.role !== "tool") out += "<|im_start|>user";
      out += `\n<tool_response>\n${m.content}\n</tool_response>`;
      if (messages[i + 1]?.role !== "tool") out += "<|im_end|>\n";
    }
  });
  return `${out}<|im_start|>assistant\n`;
}

// Computed once with the Qwen3 tokenizer (encode without special tokens).
const KNOWN = [
  ["Hello, world!", 4],
  ["The quick brown fox jumps over the lazy dog.", 10],
  ["你好，世界！今天天气很好。", 8],
  ["function add(a, b) { return a + b; }", 13],
  ["", 0],
] as const;

describe("qwenTokenCounter", () => {
  it("gives the Qwen3 tokenizer's counts, close to the estimate", async () => {
    const counter = qwenTokenCounter();
    await counter.ready?.();
    expect(counter.name).toBe("qwen3");
    for (const [text, tokens] of KNOWN) {
      expect(counter.count(text)).toBe(tokens);
      if (tokens > 0) {
        const ratio = estimateTokens(text) / tokens;
        expect(ratio).toBeGreaterThan(0.5);
        expect(ratio).toBeLessThan(2);
      }
    }
  });

  it("counts a history exactly as the chat template renders it", async () => {
    const counter = qwenTokenCounter();
    await counter.ready?.();
    const tokenizer = await loadQwenTokenizer();
    const history = parallelToolHistory();
    const system = "You are a market analyst.";
    const expected = tokenizer.encode(renderQwenChat(history, system), { add_special_tokens: false }).length;
    expect(counter.countMessages(history, system)).toBe(expected);
    expect(counter.countMessages(history.slice(0, 1))).toBe(
      tokenizer.encode(renderQwenChat(history.slice(0, 1)), { add_special_tokens: false }).length,
    );
  });

  it("refuses to count before it is ready", () => {
    const counter = qwenTokenCounter();
    try {
      counter.count("hi");
      expect.unreachable("count before ready() must throw");
    } catch (error) {
      expect(error).toBeInstanceOf(SkeinError);
      expect((error as SkeinError).code).toBe("tokenizer_not_ready");
    }
  });

  it("counts changed content anew even for a message object it has seen", async () => {
    const counter = qwenTokenCounter();
    await counter.ready?.();
    const message: Message = { role: "user", content: "Hello, world!" };
    const before = counter.countMessages([message]);
    const changed = Object.assign(message, { content: "Hello, world! Hello, world!" });
    expect(counter.countMessages([changed])).toBe(before + 4);
  });
});

describe("estimateTokenCounter", () => {
  it("counts CJK characters and digits one each and other text at four characters a token", () => {
    expect(estimateTokens("")).toBe(0);
    expect(estimateTokens("abcdefgh")).toBe(2);
    expect(estimateTokens("abcdefghi")).toBe(3);
    expect(estimateTokens("你好世界")).toBe(4);
    expect(estimateTokens("2025")).toBe(4);
    expect(estimateTokens("year 2025 增长")).toBe(2 + 4 + 2);
  });

  it("adds the chat-template overhead per message and per tool-result block", () => {
    const counter = estimateTokenCounter();
    expect(counter.countMessages([])).toBe(3);
    expect(counter.countMessages([{ role: "user", content: "abcd" }])).toBe(3 + 5 + 1);
    expect(counter.countMessages([], "abcd")).toBe(3 + 5 + 1);
    const twoResults: Message[] = [
      { role: "tool", toolCallId: "1", name: "t", content: "abcd" },
      { role: "tool", toolCallId: "2", name: "t", content: "abcd" },
    ];
    // One shared `<|im_start|>user ... <|im_end|>` block (4) and a `<tool_response>` wrapper (5) per result.
    expect(counter.countMessages(twoResults)).toBe(3 + 4 + 2 * (5 + 1));
  });
});

describe("defaultTokenCounter", () => {
  it("uses the Qwen3 tokenizer once ready, the estimate before", async () => {
    const counter = defaultTokenCounter();
    expect(counter.name).toBe("estimate");
    await counter.ready?.();
    expect(counter.name).toBe("qwen3");
    expect(counter.count("The quick brown fox jumps over the lazy dog.")).toBe(10);
  });
});

describe("countRequestTokens", () => {
  it("adds the tool definitions to the prompt", () => {
    const counter = estimateTokenCounter();
    const messages: Message[] = [{ role: "user", content: "hi" }];
    const bare = countRequestTokens(counter, { messages, system: "sys" });
    const withTools = countRequestTokens(counter, {
      messages,
      system: "sys",
      tools: [
        { name: "search", description: "Search the web", parameters: { type: "object", properties: {} } },
      ],
    });
    expect(withTools - bare).toBeGreaterThan(50);
  });
});
