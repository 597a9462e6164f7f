import type { ContextManager } from "../agent/types.ts";
import { contextWindowOf } from "./budget.ts";
import { slidingWindow } from "./sliding-window.ts";
import { type SummarizingContextOptions, summarizingContext } from "./summarizing-context.ts";
import { defaultTokenCounter, type TokenCounter } from "./token-counter.ts";
import { truncateToolResults } from "./truncate-tool-results.ts";

/** Runs managers one after another, each shaping what the previous one returned. */
export function composeContext(...managers: ContextManager[]): ContextManager {
  return {
    async prepare(request, ctx) {
      let current = { ...request, messages: request.messages.slice() };
      for (const manager of managers) {
        ctx.signal?.throwIfAborted();
        current = await manager.prepare(current, ctx);
      }
      return current;
    },
  };
}

export interface AutoContextOptions extends SummarizingContextOptions {
  /** Tool results are cut to this many tokens. Default: a quarter of the context window. */
  maxToolResultTokens?: number;
  /** Passed to the sliding window that backs the summary up. */
  keepFirstUserMessage?: boolean;
}

/**
 * The recommended context management: cut oversized tool results, summarize the oldest turns once the prompt
 * passes `triggerRatio` of the context window, and keep a sliding window as the safety net so the prompt never
 * exceeds the window (less room for the answer). One token counter is shared by the three.
 */
export function autoContext(options: AutoContextOptions = {}): ContextManager {
  const counter: TokenCounter = options.counter ?? defaultTokenCounter();
  const summarize = summarizingContext({ ...options, counter });
  const window = slidingWindow({
    contextWindow: options.contextWindow,
    counter,
    keepFirstUserMessage: options.keepFirstUserMessage,
  });
  // The limit depends on the run's model; keep one truncator per limit so its cache lasts across turns.
  const truncators = new Map<number, ContextManager>();
  const truncate: ContextManager = {
    prepare(request, ctx) {
      const contextWindow = contextWindowOf(ctx.model, options.contextWindow);
      const maxTokens =
        options.maxToolResultTokens ??
        (contextWindow === undefined ? undefined : Math.floor(contextWindow / 4));
      if (maxTokens === undefined) return request;
      let truncator = truncators.get(maxTokens);
      if (!truncator) {
        truncator = truncateToolResults({ maxTokens, counter });
        truncators.set(maxTokens, truncator);
      }
      return truncator.prepare(request, ctx);
    },
  };
  return composeContext(truncate, summarize, window);
}
