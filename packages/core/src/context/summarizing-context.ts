import type { ContextManager } from "../agent/types.ts";
import type { Message } from "../model/messages.ts";
import type { Model, ModelRequest } from "../model/model.ts";
import { contextWindowOf } from "./budget.ts";
import { lastUserIndex, splitUnits } from "./history-units.ts";
import { fitToWindow } from "./sliding-window.ts";
import { DEFAULT_SUMMARY_PROMPT, hashMessages, summarizeMessages } from "./summarize.ts";
import { countRequestTokens, defaultTokenCounter, type TokenCounter } from "./token-counter.ts";

export interface SummarizingContextOptions {
  /** The model that writes the summaries. Default: the run's model. */
  model?: Model;
  /** Summarize once the prompt is over this fraction of the context window. Default 0.8. */
  triggerRatio?: number;
  /** Default: the run model's `info.contextWindow` (then the summarizer's). Without any, nothing is summarized. */
  contextWindow?: number;
  /**
   * Newest turns kept word for word after the summary. A turn is a user message, or an assistant message with its
   * tool results. Default 4. The latest user message is always kept word for word as well.
   */
  keepRecentTurns?: number;
  counter?: TokenCounter;
  /** System prompt of the summarizer call. Default `DEFAULT_SUMMARY_PROMPT`. */
  prompt?: string;
  /** `maxOutputTokens` of one summarizer call. Default 2,048. */
  maxSummaryTokens?: number;
  /** Told when summarizing failed; this turn then falls back to the sliding window. */
  onError?: (error: unknown) => void;
}

/** Marks the summary so that neither the model nor a reader takes it for something the user wrote. */
export const SUMMARY_HEADER = "[Summary of the earlier conversation]";

export function summaryMessage(summary: string, coveredMessages: number): Message {
  return {
    role: "user",
    content: `${SUMMARY_HEADER} ${coveredMessages} earlier messages were condensed into this summary to save context:\n\n${summary}`,
  };
}

interface CachedSummary {
  /** Messages of the history the summary covers, from the start. */
  count: number;
  hash: string;
  summary: Promise<string>;
}

const MAX_CACHED = 8;

/**
 * When the prompt grows past `triggerRatio` of the context window, replaces the oldest turns with one summary
 * written by the summarizer model (sent as a user message marked as a summary). Whole turns only, so tool calls
 * stay next to their results. The summary of a prefix is cached (keyed by the number of messages it covers and a
 * hash of them) and extended rather than recomputed. If summarizing fails, that turn falls back to a sliding
 * window at the trigger size: context management never fails the run (an abort still ends it).
 */
export function summarizingContext(options: SummarizingContextOptions = {}): ContextManager {
  const triggerRatio = options.triggerRatio ?? 0.8;
  const keepRecentTurns = Math.max(0, options.keepRecentTurns ?? 4);
  const counter = options.counter ?? defaultTokenCounter();
  const prompt = options.prompt ?? DEFAULT_SUMMARY_PROMPT;
  const maxSummaryTokens = options.maxSummaryTokens ?? 2048;
  let cache: CachedSummary[] = [];

  /** The longest cached summary of a prefix of `messages` no longer than `limit` messages. */
  function cachedPrefix(messages: readonly Message[], limit: number): CachedSummary | undefined {
    const hashes = new Map<number, string>();
    let best: CachedSummary | undefined;
    for (const entry of cache) {
      if (entry.count > limit || (best && entry.count <= best.count)) continue;
      const hash = hashes.get(entry.count) ?? hashMessages(messages, entry.count);
      hashes.set(entry.count, hash);
      if (hash === entry.hash) best = entry;
    }
    return best;
  }

  function remember(entry: CachedSummary): void {
    cache = [entry, ...cache.filter((e) => e.count !== entry.count || e.hash !== entry.hash)].slice(
      0,
      MAX_CACHED,
    );
    // A failed summary must not be reused.
    entry.summary.catch(() => {
      cache = cache.filter((e) => e !== entry);
    });
  }

  function withSummary(request: ModelRequest, summary: string, covered: number): ModelRequest {
    const messages = request.messages;
    const out: Message[] = [summaryMessage(summary, covered)];
    const userAt = lastUserIndex(messages);
    // The latest request of the user stays word for word, even when the turns around it were summarized.
    if (userAt >= 0 && userAt < covered) out.push(messages[userAt]!);
    out.push(...messages.slice(covered));
    return { ...request, messages: out };
  }

  return {
    async prepare(request, { model, signal }) {
      const window = contextWindowOf(model, options.contextWindow) ?? options.model?.info?.contextWindow;
      if (window === undefined) return { ...request, messages: request.messages.slice() };
      await counter.ready?.();
      const trigger = Math.floor(window * triggerRatio);
      if (countRequestTokens(counter, request) <= trigger)
        return { ...request, messages: request.messages.slice() };

      const messages = request.messages;
      const units = splitUnits(messages);
      const cutUnit = units[units.length - keepRecentTurns];
      const cut = keepRecentTurns === 0 ? messages.length : (cutUnit?.start ?? 0);
      const userAt = lastUserIndex(messages);
      // Nothing to gain when the only message before the cut is the latest user message (kept word for word).
      if (cut === 0 || (cut === 1 && userAt === 0)) return { ...request, messages: messages.slice() };

      const cached = cachedPrefix(messages, cut);
      try {
        if (cached) {
          const reused = withSummary(request, await cached.summary, cached.count);
          if (cached.count === cut || countRequestTokens(counter, reused) <= trigger) return reused;
        }
        const previous = cached ? await cached.summary : undefined;
        const entry: CachedSummary = {
          count: cut,
          hash: hashMessages(messages, cut),
          summary: summarizeMessages(messages.slice(cached?.count ?? 0, cut), previous, {
            model: options.model ?? model,
            prompt,
            counter,
            chunkTokens: chunkTokens(options.model ?? model, window, maxSummaryTokens),
            maxSummaryTokens,
            signal,
          }),
        };
        remember(entry);
        return withSummary(request, await entry.summary, cut);
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        options.onError?.(error);
        return { ...request, messages: fitToWindow(request, trigger, counter) };
      }
    },
  };
}

/** Transcript tokens per summarizer call: half the summarizer's window, less room for its answer. */
function chunkTokens(summarizer: Model, window: number, maxSummaryTokens: number): number {
  const summarizerWindow = summarizer.info?.contextWindow ?? window;
  return Math.max(1024, Math.floor(summarizerWindow / 2) - maxSummaryTokens);
}
