/**
 * The benchmark agent with Strands Agents over Chat Completions. A Strands `Agent` keeps its conversation, so
 * each run gets a fresh one (as a server would per request); the model and tools are built once.
 */
import { Agent, tool } from "@strands-agents/sdk";
import { OpenAIModel } from "@strands-agents/sdk/models/openai";
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
  const model = new OpenAIModel({
    api: "chat",
    modelId: MODEL_NAME,
    apiKey: API_KEY,
    clientConfig: { baseURL },
  });
  const tools = [
    tool({
      name: INVESTMENT_TOOL.name,
      description: INVESTMENT_TOOL.description,
      inputSchema: z.object({ company: z.string().describe("Company name, e.g. Alibaba") }),
      callback: (input) => getAiInvestment(input),
    }),
    tool({
      name: RATIO_TOOL.name,
      description: RATIO_TOOL.description,
      inputSchema: z.object({
        numerator: z.number().describe("The figure to divide"),
        denominator: z.number().describe("The figure to divide by"),
      }),
      callback: (input) => computeRatio(input),
    }),
  ];
  const stream = async (input: string, onText: (text: string) => void): Promise<string> => {
    const agent = new Agent({ model, tools, systemPrompt: INSTRUCTIONS, printer: false });
    let text = "";
    for await (const event of agent.stream(input)) {
      const e = event as any;
      if (e.type === "modelStreamUpdateEvent" && e.event?.type === "modelContentBlockDeltaEvent") {
        const delta = e.event.delta;
        if (delta?.type === "textDelta" && delta.text) {
          text += delta.text;
          onText(delta.text);
        }
      }
    }
    return text;
  };
  return { run: (input: string) => stream(input, () => {}), stream };
}
