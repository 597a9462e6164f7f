import { compileToolInputSchema } from "../schema/compile.ts";
import type { Tool, ToolContext, ToolStreamEvent } from "../tools/tool.ts";
import { assertToolName } from "../tools/tool-name.ts";
import type { Agent } from "./agent.ts";

export interface AgentToolOptions {
  name?: string;
  description?: string;
  /** Deadline for one delegated run (default: the calling agent's tool timeout). */
  timeoutMs?: number;
}

export interface AgentToolInput {
  input: string;
}

const inputSchema = {
  type: "object",
  properties: { input: { type: "string", description: "The task or question for the agent, in full." } },
  required: ["input"],
  additionalProperties: false,
};

/**
 * Wraps an agent as a tool: the calling agent delegates a task and gets the sub-agent's answer (its structured
 * output when it has one). The sub-agent's tool activity is forwarded as progress; cancellation propagates.
 */
export function agentTool(agent: Agent<any>, options: AgentToolOptions = {}): Tool<AgentToolInput> {
  const name = options.name ?? agent.name.replace(/[^a-zA-Z0-9_-]/g, "_");
  assertToolName(name);
  return {
    name,
    description: options.description ?? (agent.description || `Delegate a task to the ${agent.name} agent.`),
    input: compileToolInputSchema<AgentToolInput>(inputSchema),
    timeoutMs: options.timeoutMs,
    async *stream(args: AgentToolInput, ctx: ToolContext): AsyncGenerator<ToolStreamEvent> {
      for await (const event of agent.stream(args.input, { signal: ctx.signal, sessionId: ctx.sessionId })) {
        if (event.type === "tool-call")
          yield { type: "progress", data: { agent: agent.name, toolCall: event.call.name } };
        else if (event.type === "run-end") {
          if (event.error) throw Object.assign(new Error(event.error.message), { code: event.error.code });
          yield { type: "result", content: event.output ?? event.text };
        }
      }
    },
  };
}
