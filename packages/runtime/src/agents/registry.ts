import type { AgentEvent, AgentRunOptions, AnyTool, Model, RunInput } from "@skein/core";

/** What the runtime needs of an agent: `Agent` from @skein/core fits (duck-typed, so any copy of core does). */
export interface HostedAgent {
  readonly name: string;
  readonly description: string;
  /** The system prompt, shown by the console (an `Agent` has it). */
  readonly instructions?: string;
  readonly model: Model | undefined;
  readonly tools: readonly AnyTool[];
  stream(input: RunInput, options?: AgentRunOptions): AsyncIterable<AgentEvent>;
}

export interface AgentDescription {
  name: string;
  description: string;
  instructions: string | null;
  /** `null` when neither the agent nor the server names a model. */
  model: { id: string; provider: string } | null;
  tools: { name: string; description: string; parameters: unknown }[];
}

/** The agents a server hosts, by name. */
export class AgentRegistry {
  private readonly byName = new Map<string, HostedAgent>();
  readonly defaultModel: Model | undefined;
  /** Said in descriptions and errors when an agent has no model (which variables to set). */
  readonly modelHint: string;

  constructor(agents: readonly HostedAgent[], options: { defaultModel?: Model; modelHint?: string } = {}) {
    for (const agent of agents) {
      if (this.byName.has(agent.name)) throw new Error(`two agents are named "${agent.name}"`);
      this.byName.set(agent.name, agent);
    }
    this.defaultModel = options.defaultModel;
    this.modelHint =
      options.modelHint ??
      "No model configured: set SKEIN_BASE_URL and SKEIN_MODEL (and SKEIN_API_KEY), or DASHSCOPE_API_KEY.";
  }

  get(name: string): HostedAgent | undefined {
    return this.byName.get(name);
  }

  list(): HostedAgent[] {
    return [...this.byName.values()];
  }

  /** The model a run of this agent uses, or undefined when none is configured. */
  modelFor(agent: HostedAgent): Model | undefined {
    return agent.model ?? this.defaultModel;
  }

  describe(agent: HostedAgent): AgentDescription {
    const model = this.modelFor(agent);
    const description = model ? agent.description : `${agent.description} (${this.modelHint})`.trim();
    return {
      name: agent.name,
      description,
      instructions: agent.instructions ?? null,
      model: model ? { id: model.id, provider: model.provider } : null,
      tools: agent.tools.map((t) => ({
        name: t.name,
        description: t.description,
        parameters: t.input.jsonSchema,
      })),
    };
  }
}
