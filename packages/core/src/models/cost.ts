import type { Pricing } from "../model/model.ts";
import type { Cost, Usage } from "../model/usage.ts";

/**
 * Prices one call. The tier is chosen by the call's input tokens (the first tier whose `upTo` covers them, else
 * the last). Cached input tokens use `cachedInput` when the tier has it. When the call produced reasoning tokens
 * and the tier has a `reasoningOutput` price, every output token is billed at it (providers bill a thinking-mode
 * response, answer included, at the thinking rate).
 */
export function computeCost(pricing: Pricing, usage: Usage): Cost | undefined {
  const tiers = pricing.tiers;
  if (tiers.length === 0) return undefined;
  let tier = tiers[tiers.length - 1]!;
  for (const candidate of tiers) {
    if (usage.inputTokens <= candidate.upTo) {
      tier = candidate;
      break;
    }
  }
  const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
  const input = ((usage.inputTokens - cached) * tier.input + cached * (tier.cachedInput ?? tier.input)) / 1e6;
  const thinking = (usage.reasoningTokens ?? 0) > 0 && tier.reasoningOutput !== undefined;
  const output = (usage.outputTokens * (thinking ? tier.reasoningOutput! : tier.output)) / 1e6;
  return { input, output, total: input + output, currency: pricing.currency };
}
