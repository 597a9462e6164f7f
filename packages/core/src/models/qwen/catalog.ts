import type { ModelInfo, Pricing } from "../../model/model.ts";

/**
 * Qwen models on Alibaba Cloud Model Studio: context window, max output and International (Singapore) list
 * prices in USD per million tokens, tiered by the call's input tokens.
 * Source: https://www.alibabacloud.com/help/en/model-studio/models (per-model pages such as
 * https://www.alibabacloud.com/help/en/model-studio/qwen-turbo), checked against the models.dev Alibaba provider
 * data for qwen3-max, qwen-plus, qwen-flash, qwen-turbo, qwen3-coder-plus/flash and qwq-plus. The open-weight
 * qwen3 figures are the documented International prices as last seen; re-check them before billing on them.
 * Sizes use K = 1024 as the docs do (qwen3-max's input limit "252K" = 258,048 tokens). Prices change: pass your
 * own `info` to `qwen()` to override. `reasoningOutput` is the thinking-mode output price.
 */
const K = 1024;

type Tier = Pricing["tiers"][number];
const usd = (...tiers: Tier[]): Pricing => ({ currency: "USD", tiers });

export interface QwenCatalogEntry extends ModelInfo {
  /** Supports `enable_thinking` (hybrid), is thinking-only, or has no thinking mode. */
  thinking: "hybrid" | "always" | "none";
}

export const qwenCatalog = {
  "qwen3-max": {
    contextWindow: 256 * K,
    maxOutputTokens: 64 * K,
    thinking: "hybrid",
    pricing: usd(
      { upTo: 32 * K, input: 1.2, output: 6, cachedInput: 0.24 },
      { upTo: 128 * K, input: 2.4, output: 12, cachedInput: 0.48 },
      { upTo: 252 * K, input: 3, output: 15, cachedInput: 0.6 },
    ),
  },
  "qwen-plus": {
    contextWindow: 1_000_000,
    maxOutputTokens: 32 * K,
    thinking: "hybrid",
    pricing: usd(
      { upTo: 256 * K, input: 0.4, output: 1.2, reasoningOutput: 4, cachedInput: 0.08 },
      { upTo: 1_000_000, input: 1.2, output: 3.6, reasoningOutput: 12, cachedInput: 0.24 },
    ),
  },
  "qwen-flash": {
    contextWindow: 1_000_000,
    maxOutputTokens: 32 * K,
    thinking: "hybrid",
    pricing: usd(
      { upTo: 256 * K, input: 0.05, output: 0.4, cachedInput: 0.01 },
      { upTo: 1_000_000, input: 0.25, output: 2, cachedInput: 0.05 },
    ),
  },
  "qwen-turbo": {
    contextWindow: 128 * K,
    maxOutputTokens: 16 * K,
    thinking: "hybrid",
    pricing: usd({ upTo: 128 * K, input: 0.05, output: 0.2, reasoningOutput: 0.5, cachedInput: 0.01 }),
  },
  "qwen3-coder-plus": {
    contextWindow: 1024 * K,
    maxOutputTokens: 64 * K,
    thinking: "none",
    pricing: usd(
      { upTo: 32 * K, input: 1, output: 5, cachedInput: 0.2 },
      { upTo: 128 * K, input: 1.8, output: 9, cachedInput: 0.36 },
      { upTo: 256 * K, input: 3, output: 15, cachedInput: 0.6 },
      { upTo: 1024 * K, input: 6, output: 60, cachedInput: 1.2 },
    ),
  },
  "qwen3-coder-flash": {
    contextWindow: 1024 * K,
    maxOutputTokens: 64 * K,
    thinking: "none",
    pricing: usd(
      { upTo: 32 * K, input: 0.3, output: 1.5, cachedInput: 0.06 },
      { upTo: 128 * K, input: 0.5, output: 2.5, cachedInput: 0.1 },
      { upTo: 256 * K, input: 0.8, output: 4, cachedInput: 0.16 },
      { upTo: 1024 * K, input: 1.6, output: 9.6, cachedInput: 0.32 },
    ),
  },
  "qwq-plus": {
    contextWindow: 128 * K,
    maxOutputTokens: 8 * K,
    thinking: "always",
    pricing: usd({ upTo: 128 * K, input: 0.8, output: 2.4 }),
  },
  "qwen3-235b-a22b": {
    contextWindow: 128 * K,
    maxOutputTokens: 16 * K,
    thinking: "hybrid",
    pricing: usd({ upTo: 128 * K, input: 0.7, output: 2.8, reasoningOutput: 8.4 }),
  },
  "qwen3-32b": {
    contextWindow: 128 * K,
    maxOutputTokens: 16 * K,
    thinking: "hybrid",
    pricing: usd({ upTo: 128 * K, input: 0.7, output: 2.8, reasoningOutput: 8.4 }),
  },
  "qwen3-30b-a3b": {
    contextWindow: 128 * K,
    maxOutputTokens: 16 * K,
    thinking: "hybrid",
    pricing: usd({ upTo: 128 * K, input: 0.2, output: 0.8, reasoningOutput: 2.4 }),
  },
  "qwen3-14b": {
    contextWindow: 128 * K,
    maxOutputTokens: 8 * K,
    thinking: "hybrid",
    pricing: usd({ upTo: 128 * K, input: 0.35, output: 1.4, reasoningOutput: 4.2 }),
  },
  "qwen3-8b": {
    contextWindow: 128 * K,
    maxOutputTokens: 8 * K,
    thinking: "hybrid",
    pricing: usd({ upTo: 128 * K, input: 0.18, output: 0.7, reasoningOutput: 2.1 }),
  },
} as const satisfies Record<string, QwenCatalogEntry>;

export type QwenModelId = keyof typeof qwenCatalog;

/**
 * Catalog entry for a model id. Dated snapshots (`qwen-plus-2025-07-28`) and `-latest` aliases resolve to their
 * family; unknown ids give `undefined`.
 */
export function lookupModelInfo(id: string): QwenCatalogEntry | undefined {
  const catalog: Record<string, QwenCatalogEntry> = qwenCatalog;
  const exact = catalog[id];
  if (exact) return exact;
  const family = id.replace(/-(latest|\d{4}-\d{2}-\d{2})$/, "");
  return family !== id ? catalog[family] : undefined;
}
