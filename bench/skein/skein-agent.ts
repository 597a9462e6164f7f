/** The benchmark agent written with Skein, as a user would write it (zod inputs, default options). */
import { Agent, openaiCompatible, tool } from "@skein/core";
import { z } from "zod";
import {
  API_KEY,
  computeRatio,
  getAiInvestment,
  INSTRUCTIONS,
  INVESTMENT_TOOL,
  MODEL_NAME,
  RATIO_TOOL,
} from "../scenario.ts";

export function skeinAgent(baseURL: string, fetchImpl?: typeof fetch) {
  const model = openaiCompatible({ baseURL, apiKey: API_KEY, model: MODEL_NAME, fetch: fetchImpl });
  const investment = tool({
    name: INVESTMENT_TOOL.name,
    description: INVESTMENT_TOOL.description,
    input: z.object({ company: z.string().describe("Company name, e.g. Alibaba") }),
    run: (input) => getAiInvestment(input),
  });
  const ratio = tool({
    name: RATIO_TOOL.name,
    description: RATIO_TOOL.description,
    input: z.object({
      numerator: z.number().describe("The figure to divide"),
      denominator: z.number().describe("The figure to divide by"),
    }),
    run: (input) => computeRatio(input),
  });
  const agent = new Agent({ name: "analyst", instructions: INSTRUCTIONS, model, tools: [investment, ratio] });
  return {
    agent,
    run: async (input: string): Promise<string> => (await agent.run(input)).text,
    stream: async (input: string, onText: (text: string) => void): Promise<string> => {
      const stream = agent.stream(input);
      for await (const event of stream) if (event.type === "text-delta") onText(event.text);
      return (await stream.result).text;
    },
  };
}

/** The adapter interface of the peer comparison (`peer-worker.ts`). */
export const createAgent = (baseURL: string) => skeinAgent(baseURL);
