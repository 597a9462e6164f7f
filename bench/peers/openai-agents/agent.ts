/** The benchmark agent with OpenAI Agents JS over Chat Completions (`OpenAIChatCompletionsModel`). */
import { Agent, OpenAIChatCompletionsModel, run, setTracingDisabled, tool } from "@openai/agents";
import OpenAI from "openai";
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

setTracingDisabled(true);

export function createAgent(baseURL: string) {
  const client = new OpenAI({ baseURL, apiKey: API_KEY });
  const agent = new Agent({
    name: "analyst",
    instructions: INSTRUCTIONS,
    model: new OpenAIChatCompletionsModel(client, MODEL_NAME),
    tools: [
      tool({
        name: INVESTMENT_TOOL.name,
        description: INVESTMENT_TOOL.description,
        parameters: z.object({ company: z.string().describe("Company name, e.g. Alibaba") }),
        execute: async (input) => getAiInvestment(input),
      }),
      tool({
        name: RATIO_TOOL.name,
        description: RATIO_TOOL.description,
        parameters: z.object({
          numerator: z.number().describe("The figure to divide"),
          denominator: z.number().describe("The figure to divide by"),
        }),
        execute: async (input) => computeRatio(input),
      }),
    ],
  });
  const stream = async (input: string, onText: (text: string) => void): Promise<string> => {
    const result = await run(agent, input, { stream: true, maxTurns: 20 });
    for await (const piece of result.toTextStream()) onText(piece);
    await result.completed;
    return String(result.finalOutput ?? "");
  };
  return { run: (input: string) => stream(input, () => {}), stream };
}
