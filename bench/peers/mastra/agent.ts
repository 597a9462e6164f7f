/** The benchmark agent with Mastra: `Agent` with an OpenAI-compatible model config and `createTool` tools. */
import { Agent } from "@mastra/core/agent";
import { createTool } from "@mastra/core/tools";
import { z } from "zod";
import {
  API_KEY,
  computeRatio,
  getAiInvestment,
  INSTRUCTIONS,
  INVESTMENT_TOOL,
  MODEL_NAME,
  RATIO_TOOL,
} from "../../scenario.ts";

export function createAgent(baseURL: string) {
  const agent = new Agent({
    id: "analyst",
    name: "analyst",
    instructions: INSTRUCTIONS,
    model: { providerId: "bench", modelId: MODEL_NAME, url: baseURL, apiKey: API_KEY, api: "chat" },
    tools: {
      [INVESTMENT_TOOL.name]: createTool({
        id: INVESTMENT_TOOL.name,
        description: INVESTMENT_TOOL.description,
        inputSchema: z.object({ company: z.string().describe("Company name, e.g. Alibaba") }),
        execute: async (input) => getAiInvestment(input),
      }),
      [RATIO_TOOL.name]: createTool({
        id: RATIO_TOOL.name,
        description: RATIO_TOOL.description,
        inputSchema: z.object({
          numerator: z.number().describe("The figure to divide"),
          denominator: z.number().describe("The figure to divide by"),
        }),
        execute: async (input) => computeRatio(input),
      }),
    },
  });
  const stream = async (input: string, onText: (text: string) => void): Promise<string> => {
    const result = await agent.stream(input, { maxSteps: 20 });
    let text = "";
    for await (const piece of result.textStream) {
      text += piece;
      onText(piece);
    }
    return text;
  };
  return { run: (input: string) => stream(input, () => {}), stream };
}
