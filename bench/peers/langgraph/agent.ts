/** The benchmark agent with LangGraph.js: the prebuilt ReAct agent over `ChatOpenAI` (streaming). */
import { tool } from "@langchain/core/tools";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { ChatOpenAI } from "@langchain/openai";
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
  const llm = new ChatOpenAI({
    model: MODEL_NAME,
    apiKey: API_KEY,
    configuration: { baseURL },
    // Not `streaming: true`: with it, `invoke` estimates prompt tokens with js-tiktoken, which downloads its
    // ranks from the network. The "messages" stream mode below streams over the wire anyway.
    streamUsage: true,
  });
  const tools = [
    tool(async (input: { company: string }) => JSON.stringify(getAiInvestment(input)), {
      name: INVESTMENT_TOOL.name,
      description: INVESTMENT_TOOL.description,
      schema: z.object({ company: z.string().describe("Company name, e.g. Alibaba") }),
    }),
    tool(async (input: { numerator: number; denominator: number }) => JSON.stringify(computeRatio(input)), {
      name: RATIO_TOOL.name,
      description: RATIO_TOOL.description,
      schema: z.object({
        numerator: z.number().describe("The figure to divide"),
        denominator: z.number().describe("The figure to divide by"),
      }),
    }),
  ];
  const agent = createReactAgent({ llm, tools, prompt: INSTRUCTIONS });
  const stream = async (input: string, onText: (text: string) => void): Promise<string> => {
    let text = "";
    const events = await agent.stream(
      { messages: [{ role: "user", content: input }] },
      { streamMode: "messages", recursionLimit: 50 },
    );
    for await (const [message, meta] of events) {
      if (meta?.langgraph_node !== "agent" || typeof message.content !== "string" || !message.content)
        continue;
      text += message.content;
      onText(message.content);
    }
    return text;
  };
  return { run: (input: string) => stream(input, () => {}), stream };
}
