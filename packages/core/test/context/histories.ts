import type { Message } from "../../src/model/messages.ts";

/** Deterministic PRNG (mulberry32) so property loops replay the same cases. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  "market",
  "revenue",
  "Qwen",
  "cloud",
  "agent",
  "数据",
  "增长",
  "2025",
  "42.7%",
  '{"k":1}',
  "error",
];

export function randomText(rng: () => number, maxWords: number): string {
  const n = Math.floor(rng() * maxWords);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(WORDS[Math.floor(rng() * WORDS.length)]!);
  return words.join(" ");
}

/**
 * A valid agent history as the loop builds it: user turns, each with rounds of assistant messages making 0-3
 * parallel tool calls, whose results follow in any order. Ends where a model call would be made (after a user
 * message or after tool results).
 */
export function randomHistory(rng: () => number): Message[] {
  const messages: Message[] = [];
  let callId = 0;
  const turns = 1 + Math.floor(rng() * 5);
  for (let turn = 0; turn < turns; turn++) {
    messages.push({ role: "user", content: `question ${turn}: ${randomText(rng, 30)}` });
    const last = turn === turns - 1;
    const rounds = Math.floor(rng() * 4);
    for (let round = 0; round < rounds; round++) {
      const calls = Array.from({ length: 1 + Math.floor(rng() * 3) }, () => ({
        id: `call_${++callId}`,
        name: rng() < 0.5 ? "search" : "fetch_page",
        arguments: JSON.stringify({ q: randomText(rng, 5) }),
      }));
      messages.push({ role: "assistant", content: rng() < 0.5 ? "" : randomText(rng, 20), toolCalls: calls });
      const results = calls.map(
        (call): Message => ({
          role: "tool",
          toolCallId: call.id,
          name: call.name,
          // Now and then a huge result, the case truncation exists for.
          content: rng() < 0.1 ? randomText(rng, 3000) : randomText(rng, 200),
          isError: rng() < 0.1,
        }),
      );
      results.sort(() => rng() - 0.5);
      messages.push(...results);
    }
    // The last turn stops after the user message or after tool results: the model is about to be called.
    if (!last) messages.push({ role: "assistant", content: randomText(rng, 40) });
  }
  return messages;
}

/** Freezes a history deeply so any mutation by a context manager throws. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** A hand-built history with parallel tool calls, 14 messages. */
export function parallelToolHistory(): Message[] {
  return [
    { role: "user", content: "Compare the AI spending of Alibaba and Tencent." },
    {
      role: "assistant",
      content: "I will look both up.",
      toolCalls: [
        { id: "a1", name: "search", arguments: '{"q":"Alibaba AI capex"}' },
        { id: "a2", name: "search", arguments: '{"q":"Tencent AI capex"}' },
      ],
    },
    { role: "tool", toolCallId: "a2", name: "search", content: "Tencent: ".padEnd(400, "t") },
    { role: "tool", toolCallId: "a1", name: "search", content: "Alibaba: ".padEnd(400, "a") },
    {
      role: "assistant",
      content: "",
      toolCalls: [{ id: "b1", name: "fetch_page", arguments: '{"url":"https://example.com/a"}' }],
    },
    { role: "tool", toolCallId: "b1", name: "fetch_page", content: "page ".padEnd(800, "p") },
    { role: "assistant", content: "Alibaba spends more: 380B yuan over three years." },
    { role: "user", content: "And ByteDance?" },
    {
      role: "assistant",
      content: "",
      toolCalls: [
        { id: "c1", name: "search", arguments: '{"q":"ByteDance AI capex"}' },
        { id: "c2", name: "search", arguments: '{"q":"ByteDance chips"}' },
        { id: "c3", name: "fetch_page", arguments: '{"url":"https://example.com/b"}' },
      ],
    },
    { role: "tool", toolCallId: "c1", name: "search", content: "ByteDance capex ".padEnd(300, "b") },
    { role: "tool", toolCallId: "c3", name: "fetch_page", content: "page b ".padEnd(300, "q") },
    { role: "tool", toolCallId: "c2", name: "search", content: "chips ".padEnd(300, "c"), isError: true },
    {
      role: "assistant",
      content: "",
      toolCalls: [{ id: "d1", name: "search", arguments: '{"q":"ByteDance 2025 budget"}' }],
    },
    { role: "tool", toolCallId: "d1", name: "search", content: "budget ".padEnd(500, "d") },
  ];
}
