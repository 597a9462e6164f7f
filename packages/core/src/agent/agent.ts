// SKELETON: the loop is being written; the public API below is stable.
import type { Model } from "../model/model.ts";
import type { AnyTool } from "../tools/tool.ts";
import type { AgentEvent } from "./events.ts";
import type { AgentOptions, RunInput, RunOptions, RunResult } from "./types.ts";

export interface AgentRunOptions extends RunOptions {
  /** Model for this run; required when the agent names none. */
  model?: Model;
}

export class Agent<O = unknown> {
  readonly name: string;
  readonly description: string;
  readonly instructions: string;
  readonly model: Model | undefined;
  readonly tools: readonly AnyTool[];
  readonly options: AgentOptions<O>;
  constructor(options: AgentOptions<O>) {
    this.options = options;
    this.name = options.name;
    this.description = options.description ?? "";
    this.instructions = options.instructions ?? "";
    this.model = options.model;
    this.tools = options.tools ?? [];
  }
  run(_input: RunInput, _options: AgentRunOptions = {}): Promise<RunResult<O>> {
    throw new Error("not yet");
  }
  stream(_input: RunInput, _options: AgentRunOptions = {}): AsyncIterable<AgentEvent> {
    throw new Error("not yet");
  }
}
