/** The benchmark agent with the Vercel AI SDK: `ToolLoopAgent` over `@ai-sdk/openai-compatible`. */
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { stepCountIs, ToolLoopAgent, tool } from "ai";
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
  const provider = createOpenAICompatible({ name: "bench", baseURL, apiKey: API_KEY, includeUsage: true });
  const agent = new ToolLoopAgent({
    model: provider(MODEL_NAME),
    instructions: INSTRUCTIONS,
    stopWhen: stepCountIs(20),
    tools: {
      [INVESTMENT_TOOL.name]: tool({
        description: INVESTMENT_TOOL.description,
        inputSchema: z.object({ company: z.string().describe("Company name, e.g. Alibaba") }),
        execute: async (input) => getAiInvestment(input),
      }),
      [RATIO_TOOL.name]: tool({
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
    const result = await agent.stream({ prompt: input });
    let text = "";
    for await (const piece of result.textStream) {
      text += piece;
      onText(piece);
    }
    return text;
  };
  return { run: (input: string) => stream(input, () => {}), stream };
}
