/**
 * The one agent every framework in the benchmarks runs: the same instructions, the same two tools, the same
 * user input. The mock server scripts the model's side of the conversation (see `mock-server.ts`).
 * Peers in `bench/peers/*` import these constants too, so nothing here may import a package.
 */

export const INSTRUCTIONS =
  "You are a market analyst. Answer questions about AI investment with the tools; quote the figures you used.";

export const USER_INPUT = "How does Alibaba's AI investment compare with Tencent's? Give the ratio.";

export const MODEL_NAME = "bench-model";

export const API_KEY = "bench-key";

export const INVESTMENT_TOOL = {
  name: "get_ai_investment",
  description: "Annual AI investment of a company, in billions of US dollars.",
  parameters: {
    type: "object",
    properties: { company: { type: "string", description: "Company name, e.g. Alibaba" } },
    required: ["company"],
    additionalProperties: false,
  },
} as const;

export const RATIO_TOOL = {
  name: "compute_ratio",
  description: "Divides one figure by another.",
  parameters: {
    type: "object",
    properties: {
      numerator: { type: "number", description: "The figure to divide" },
      denominator: { type: "number", description: "The figure to divide by" },
    },
    required: ["numerator", "denominator"],
    additionalProperties: false,
  },
} as const;

export const TOOL_SPECS = [INVESTMENT_TOOL, RATIO_TOOL];

const INVESTMENTS: Record<string, number> = {
  Alibaba: 53,
  Tencent: 38,
  Baidu: 11,
  ByteDance: 21,
  Huawei: 25,
};

export const COMPANIES = Object.keys(INVESTMENTS);

/** The tools' bodies: trivial and synchronous, so a benchmark measures the framework, not the tool. */
export function getAiInvestment(input: { company: string }): { company: string; usdBn: number } {
  return { company: input.company, usdBn: INVESTMENTS[input.company] ?? 0 };
}

export function computeRatio(input: { numerator: number; denominator: number }): { ratio: number } {
  return { ratio: input.denominator === 0 ? 0 : input.numerator / input.denominator };
}

/** Text of the model's final answer; streamed one piece per chunk. */
export const FINAL_ANSWER = "Alibaba invests about 53 bn USD in AI, Tencent about 38 bn: a ratio of 1.39.";
