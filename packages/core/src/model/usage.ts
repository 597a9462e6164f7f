export interface Cost {
  input: number;
  output: number;
  total: number;
  currency: "USD" | "CNY";
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  reasoningTokens?: number;
  cachedInputTokens?: number;
  cost?: Cost;
}

export const emptyUsage = (): Usage => ({ inputTokens: 0, outputTokens: 0, totalTokens: 0 });

/** Adds `b` into a new usage; cost is summed when both sides carry the same currency. */
export function addUsage(a: Usage, b: Usage): Usage {
  const sum: Usage = {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    totalTokens: a.totalTokens + b.totalTokens,
  };
  if (a.reasoningTokens !== undefined || b.reasoningTokens !== undefined)
    sum.reasoningTokens = (a.reasoningTokens ?? 0) + (b.reasoningTokens ?? 0);
  if (a.cachedInputTokens !== undefined || b.cachedInputTokens !== undefined)
    sum.cachedInputTokens = (a.cachedInputTokens ?? 0) + (b.cachedInputTokens ?? 0);
  const cost = a.cost && b.cost && a.cost.currency === b.cost.currency ? a.cost : undefined;
  if (a.cost && b.cost && cost) {
    sum.cost = {
      input: a.cost.input + b.cost.input,
      output: a.cost.output + b.cost.output,
      total: a.cost.total + b.cost.total,
      currency: a.cost.currency,
    };
  } else if (a.cost ?? b.cost) {
    sum.cost = a.cost ?? b.cost;
  }
  return sum;
}
