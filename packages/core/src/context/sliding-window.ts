import type { ContextManager } from "../agent/types.ts";
import type { Message } from "../model/messages.ts";
import type { ModelRequest } from "../model/model.ts";
import { contextWindowOf, inputBudget } from "./budget.ts";
import { isOrphanUnit, lastUserIndex, splitUnits } from "./history-units.ts";
import {
  countRequestTokens,
  countSliceTokens,
  defaultTokenCounter,
  type TokenCounter,
} from "./token-counter.ts";

export interface SlidingWindowOptions {
  /**
   * Token budget of the whole prompt (system prompt and tool definitions included). Default: the context window
   * (`contextWindow`, else the model's) less room for the answer; without either the history is left as it is.
   */
  maxTokens?: number;
  contextWindow?: number;
  counter?: TokenCounter;
  /** Keep the first user message (often the task) even when the messages around it are dropped. Default false. */
  keepFirstUserMessage?: boolean;
}

/**
 * The newest messages of `request` that fit in `maxTokens`. Drops whole units (an assistant message with its tool
 * results goes or stays as one), never opens the window with a tool message, always keeps the latest user message
 * and the newest unit, even when they alone are over the budget: an invalid history would fail for sure, an
 * oversized one may still be cut down by tool-result truncation or accepted by the provider.
 */
export function fitToWindow(
  request: ModelRequest,
  maxTokens: number,
  counter: TokenCounter,
  keepFirstUserMessage = false,
): Message[] {
  const messages = request.messages;
  if (countRequestTokens(counter, request) <= maxTokens) return messages.slice();
  const units = splitUnits(messages);
  if (units.length === 0) return [];

  const newest = units.length - 1;
  const userAt = lastUserIndex(messages);
  const pinned = new Set<number>([newest]);
  const lastUserUnit = units.findIndex((u) => u.start === userAt);
  if (lastUserUnit >= 0) pinned.add(lastUserUnit);
  if (keepFirstUserMessage) {
    const firstUserUnit = units.findIndex((u) => u.messages[0]?.role === "user");
    if (firstUserUnit >= 0) pinned.add(firstUserUnit);
  }

  const tokensOf = (i: number) => countSliceTokens(counter, units[i]!.messages);
  let used = countRequestTokens(counter, { ...request, messages: [] });
  for (const i of pinned) used += tokensOf(i);
  const kept = new Set(pinned);
  // Walk back from the newest unit; stop at the first that does not fit so the window stays contiguous.
  for (let i = newest - 1; i >= 0; i--) {
    if (pinned.has(i)) continue;
    const tokens = tokensOf(i);
    if (used + tokens > maxTokens) break;
    used += tokens;
    kept.add(i);
  }

  const window: Message[] = [];
  for (const [i, unit] of units.entries()) {
    if (!kept.has(i)) continue;
    if (window.length === 0 && isOrphanUnit(unit) && i !== newest) continue;
    window.push(...unit.messages);
  }
  return window;
}

/** Sends only the newest messages that fit in the token budget (see `fitToWindow` for what is always kept). */
export function slidingWindow(options: SlidingWindowOptions = {}): ContextManager {
  const counter = options.counter ?? defaultTokenCounter();
  return {
    async prepare(request, { model }) {
      const window = contextWindowOf(model, options.contextWindow);
      const maxTokens =
        options.maxTokens ?? (window === undefined ? undefined : inputBudget(window, request, model));
      if (maxTokens === undefined) return { ...request, messages: request.messages.slice() };
      await counter.ready?.();
      return { ...request, messages: fitToWindow(request, maxTokens, counter, options.keepFirstUserMessage) };
    },
  };
}
