import type { ContextManager } from "../agent/types.ts";
import type { Message } from "../model/messages.ts";
import { defaultTokenCounter, type TokenCounter } from "./token-counter.ts";

export type TruncateToolResultsOptions =
  | { maxChars: number; maxTokens?: undefined; headRatio?: number }
  | { maxTokens: number; maxChars?: undefined; counter?: TokenCounter; headRatio?: number };

/** 1234567 → "1,234,567". Not `Intl.NumberFormat`: creating one when this module loads costs ~10 ms of ICU set-up. */
const withCommas = (count: number): string => String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/** The marker put where text was cut out. */
export function truncationMarker(removed: number, total: number): string {
  return `[... truncated ${withCommas(removed)} characters of ${withCommas(total)} ...]`;
}

/** Moves an index off the low half of a surrogate pair so a cut never splits a character. */
function safeIndex(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code >= 0xdc00 && code <= 0xdfff ? index - 1 : index;
}

/**
 * Keeps about `keep` characters of `text`: the head (`headRatio` of them) and the tail, with a marker between.
 * Returns the text unchanged when it is short enough.
 */
export function truncateMiddle(text: string, keep: number, headRatio = 2 / 3): string {
  if (text.length <= keep) return text;
  const kept = Math.max(0, keep);
  const headEnd = safeIndex(text, Math.floor(kept * headRatio));
  const tailStart = safeIndex(text, text.length - (kept - Math.floor(kept * headRatio)));
  const head = text.slice(0, headEnd);
  const tail = text.slice(Math.max(tailStart, headEnd));
  const removed = text.length - head.length - tail.length;
  return `${head}\n${truncationMarker(removed, text.length)}\n${tail}`;
}

/** Cuts `text` to at most `maxChars` characters, marker included (when `maxChars` leaves room for the marker). */
export function truncateToChars(text: string, maxChars: number, headRatio?: number): string {
  if (text.length <= maxChars) return text;
  const markerRoom = truncationMarker(text.length, text.length).length + 2;
  return truncateMiddle(text, Math.max(0, maxChars - markerRoom), headRatio);
}

/** Cuts `text` to at most `maxTokens` tokens (marker included), keeping head and tail. */
export function truncateToTokens(
  text: string,
  maxTokens: number,
  counter: TokenCounter,
  headRatio?: number,
): string {
  let tokens = counter.count(text);
  if (tokens <= maxTokens) return text;
  let keep = text.length;
  let result = text;
  // Characters per token vary along a text; shrink until the count fits (a few rounds at most).
  for (let round = 0; round < 6 && tokens > maxTokens; round++) {
    keep = Math.floor((keep * maxTokens) / tokens) - (round === 0 ? 0 : Math.ceil(keep * 0.05));
    if (keep <= 0) return truncateMiddle(text, 0, headRatio);
    result = truncateMiddle(text, keep, headRatio);
    tokens = counter.count(result);
  }
  return tokens <= maxTokens ? result : truncateMiddle(text, 0, headRatio);
}

/**
 * Cuts oversized tool results down to `maxChars` characters or `maxTokens` tokens, keeping their head and tail
 * with a marker such as `[... truncated 12,345 characters of 20,000 ...]` between them.
 */
export function truncateToolResults(options: TruncateToolResultsOptions): ContextManager {
  const limit = options.maxChars ?? options.maxTokens;
  if (!(limit >= 0)) throw new RangeError("truncateToolResults: maxChars or maxTokens must be a number >= 0");
  const counter = options.maxTokens !== undefined ? (options.counter ?? defaultTokenCounter()) : undefined;
  // The same results come back every turn: cut each once, and hand out the same object so counts stay cached.
  const cut = new WeakMap<Message, { content: string; result: Message }>();
  return {
    async prepare(request) {
      if (counter) await counter.ready?.();
      const messages = request.messages.map((message): Message => {
        if (message.role !== "tool") return message;
        const hit = cut.get(message);
        if (hit && hit.content === message.content) return hit.result;
        const content =
          options.maxChars !== undefined
            ? truncateToChars(message.content, options.maxChars, options.headRatio)
            : truncateToTokens(message.content, options.maxTokens, counter!, options.headRatio);
        const result = content === message.content ? message : { ...message, content };
        cut.set(message, { content: message.content, result });
        return result;
      });
      return { ...request, messages };
    },
  };
}
