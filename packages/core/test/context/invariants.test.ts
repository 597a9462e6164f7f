import { describe, expect, it } from "vitest";
import type { ContextManager } from "../../src/agent/types.ts";
import { historyProblems, splitUnits } from "../../src/context/history-units.ts";
import {
  autoContext,
  slidingWindow,
  summarizingContext,
  truncateToolResults,
} from "../../src/context/index.ts";
import { countRequestTokens, estimateTokenCounter } from "../../src/context/token-counter.ts";
import type { Message } from "../../src/model/messages.ts";
import type { ModelRequest } from "../../src/model/model.ts";
import { type ScriptStep, scriptedModel } from "../../src/testing/scripted-model.ts";
import { expectValidHistory } from "../support/history.ts";
import { deepFreeze, randomHistory, seededRandom } from "./histories.ts";

const counter = estimateTokenCounter();
const CASES = 200;

/** A summarizer double that answers every call, failing now and then. */
function flakySummarizer(rng: () => number) {
  const steps: ScriptStep[] = Array.from({ length: 200 }, (_, i) =>
    rng() < 0.2 ? { error: new Error(`summarizer failure ${i}`) } : { text: `summary ${i}` },
  );
  return scriptedModel(steps);
}

/** The output history a provider would accept, with the latest user message kept word for word. */
function expectSendable(input: Message[], output: Message[]): void {
  expect(historyProblems(output)).toEqual([]);
  expectValidHistory(output);
  expect(output[0]!.role).not.toBe("tool");
  const lastUser = input.findLast((m) => m.role === "user");
  if (lastUser) expect(output).toContain(lastUser);
}

/** What `fitToWindow` keeps whatever the budget: the latest user message's unit, the newest unit, maybe the first user's. */
function pinnedMessages(messages: Message[], keepFirstUserMessage: boolean): Message[] {
  const units = splitUnits(messages);
  const userAt = messages.findLastIndex((m) => m.role === "user");
  const firstUser = units.findIndex((u) => u.messages[0]!.role === "user");
  return units
    .filter(
      (u, i) => i === units.length - 1 || u.start === userAt || (keepFirstUserMessage && i === firstUser),
    )
    .flatMap((u) => u.messages);
}

async function runCases(
  seed: number,
  make: (
    rng: () => number,
    request: ModelRequest,
  ) => { manager: ContextManager; check?: (out: ModelRequest) => void },
) {
  const rng = seededRandom(seed);
  for (let n = 0; n < CASES; n++) {
    const messages = randomHistory(rng);
    const request: ModelRequest = deepFreeze({
      system: rng() < 0.5 ? "You are a careful analyst." : undefined,
      messages,
    });
    const before = structuredClone(request);
    const { manager, check } = make(rng, request);
    const out = await manager.prepare(request, { model: scriptedModel([]) });
    expect(request).toEqual(before);
    expect(out.messages).not.toBe(request.messages);
    expect(out.system).toBe(request.system);
    expectSendable(messages, out.messages);
    check?.(out);
  }
}

describe("context managers keep every history sendable (seeded random histories and budgets)", () => {
  it("slidingWindow fits the budget unless the units it must keep are over it", async () => {
    await runCases(1, (rng, request) => {
      const total = countRequestTokens(counter, request);
      const maxTokens = Math.floor(rng() * total * 1.2);
      const keepFirstUserMessage = rng() < 0.3;
      return {
        manager: slidingWindow({ maxTokens, counter, keepFirstUserMessage }),
        check: (out) => {
          if (countRequestTokens(counter, out) > maxTokens) {
            expect(out.messages).toEqual(pinnedMessages(request.messages, keepFirstUserMessage));
          }
          if (total <= maxTokens) expect(out.messages).toEqual(request.messages);
          // Contiguous from some point on, apart from the pinned messages.
          const tail = out.messages.at(-1);
          expect(tail).toBe(request.messages.at(-1));
        },
      };
    });
  });

  it("truncateToolResults only shortens tool results", async () => {
    await runCases(2, (rng, request) => {
      const maxChars = 50 + Math.floor(rng() * 2_000);
      return {
        manager: truncateToolResults({ maxChars }),
        check: (out) => {
          expect(out.messages).toHaveLength(request.messages.length);
          out.messages.forEach((m, i) => {
            const original = request.messages[i]!;
            expect(m.role).toBe(original.role);
            if (m.role === "tool") expect(m.content.length).toBeLessThanOrEqual(Math.max(maxChars, 60));
            else expect(m).toBe(original);
          });
        },
      };
    });
  });

  it("summarizingContext summarizes or falls back, never breaking the history", async () => {
    await runCases(3, (rng, request) => {
      const total = countRequestTokens(counter, request);
      return {
        manager: summarizingContext({
          model: flakySummarizer(rng),
          contextWindow: Math.max(50, Math.floor(rng() * total * 1.5)),
          keepRecentTurns: Math.floor(rng() * 5),
          triggerRatio: 0.5 + rng() * 0.5,
          counter,
        }),
      };
    });
  });

  it("autoContext keeps the prompt inside the input budget unless the units it must keep are over it", async () => {
    await runCases(4, (rng, request) => {
      const total = countRequestTokens(counter, request);
      const contextWindow = Math.max(100, Math.floor(rng() * total * 1.5));
      return {
        manager: autoContext({ model: flakySummarizer(rng), contextWindow, counter }),
        check: (out) => {
          const used = countRequestTokens(counter, out);
          // No maxOutputTokens anywhere, so nothing is reserved for the answer.
          if (used > contextWindow) {
            // Only the pinned units remain (tool results already cut to a quarter of the window each).
            expect(out.messages.length).toBeLessThanOrEqual(
              1 + splitUnits(request.messages).at(-1)!.messages.length + 1,
            );
          }
        },
      };
    });
  });
});
