import { SkeinError } from "../errors/errors.ts";
import { HookBus, type Plugin } from "../hooks/hooks.ts";
import type { Model, ResponseFormat } from "../model/model.ts";
import { modelRetry } from "../plugins/model-retry.ts";
import { compileSchema } from "../schema/compile.ts";
import type { AnyTool, Tool, ToolLogger } from "../tools/tool.ts";
import { type AgentToolInput, type AgentToolOptions, agentTool } from "./as-tool.ts";
import type { AgentEvent, RunEndEvent, StopReason } from "./events.ts";
import { type LoopConfig, runLoop } from "./run-loop.ts";
import { buildToolbox } from "./toolbox.ts";
import type { AgentOptions, RunInput, RunOptions, RunResult } from "./types.ts";

export interface AgentRunOptions extends RunOptions {
  /** Model for this run; required when the agent names none. */
  model?: Model;
}

const silentLogger: ToolLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Thrown by `agent.run()` when a run ends in an error or is cancelled; `result.messages` is a valid history. */
export class AgentRunError<O = unknown> extends SkeinError {
  readonly stopReason: StopReason;
  readonly result: RunResult<O>;
  constructor(result: RunResult<O>) {
    super(
      result.error?.code ?? "run_failed",
      result.error?.message ?? `The run ended with ${result.stopReason}`,
    );
    this.stopReason = result.stopReason;
    this.result = result;
  }
}

const failedEndings: ReadonlySet<StopReason> = new Set([
  "cancelled",
  "model-error",
  "tool-error",
  "output-invalid",
  "error",
]);

/** The events of one run, plus the run's result once the stream has been read to its end. */
export class RunStream<O = unknown> implements AsyncIterable<AgentEvent> {
  readonly result: Promise<RunResult<O>>;
  private readonly events: AsyncGenerator<AgentEvent>;
  constructor(start: (onEnd: (end: RunEndEvent) => void) => AsyncGenerator<AgentEvent>) {
    let resolve!: (result: RunResult<O>) => void;
    this.result = new Promise((r) => {
      resolve = r;
    });
    this.events = start((end) => resolve(toResult<O>(end)));
  }
  /** The loop's own generator, unwrapped: no extra async layer per event. */
  [Symbol.asyncIterator](): AsyncGenerator<AgentEvent> {
    return this.events;
  }
}

const toResult = <O>(end: RunEndEvent): RunResult<O> => ({
  runId: end.runId,
  text: end.text,
  output: end.output as O | undefined,
  messages: end.messages,
  usage: end.usage,
  stopReason: end.stopReason,
  error: end.error,
});

/** A model-driven agent: instructions, a model and tools. Holds no per-run state. */
export class Agent<O = unknown> {
  readonly name: string;
  readonly description: string;
  readonly instructions: string;
  readonly model: Model | undefined;
  readonly tools: readonly AnyTool[];
  private readonly config: LoopConfig;

  constructor(options: AgentOptions<O>) {
    this.name = options.name;
    this.description = options.description ?? "";
    this.instructions = options.instructions ?? "";
    this.model = options.model;
    this.tools = options.tools ?? [];
    const output = options.output ? compileSchema(options.output) : undefined;
    const responseFormat: ResponseFormat | undefined = output
      ? { type: "json_schema", name: "output", schema: output.jsonSchema }
      : undefined;
    const retry = options.retry ?? true;
    const plugins: Plugin[] = [
      ...(retry ? [modelRetry(retry === true ? {} : retry)] : []),
      ...(options.plugins ?? []),
    ];
    const toolbox = buildToolbox(this.name, this.tools, plugins);
    this.config = {
      name: this.name,
      description: this.description,
      instructions: this.instructions,
      model: options.model,
      toolbox,
      output,
      responseFormat,
      outputRetries: options.outputRetries ?? 2,
      bus: new HookBus(plugins),
      context: options.context,
      sequentialTools: options.toolExecution === "sequential",
      toolTimeoutMs: options.toolTimeoutMs ?? 60_000,
      maxToolFailures: options.maxToolFailures ?? 3,
      maxTurns: options.maxTurns ?? 20,
      maxTokens: options.maxTokens,
      temperature: options.temperature,
      maxOutputTokens: options.maxOutputTokens,
      providerOptions: options.providerOptions,
      logger: options.logger ?? silentLogger,
    };
  }

  /** Streams the run's events; `stream.result` resolves with the result when the stream has been read. */
  stream(input: RunInput, options: AgentRunOptions = {}): RunStream<O> {
    return new RunStream<O>((onEnd) => runLoop(this.config, input, { ...options, onEnd }));
  }

  /** Runs to the end. Throws `AgentRunError` (with a valid `result.messages`) on error or cancellation. */
  async run(input: RunInput, options: AgentRunOptions = {}): Promise<RunResult<O>> {
    let end: RunEndEvent | undefined;
    // Only the run-end event is handed out; hooks still see every event.
    for await (const event of runLoop(this.config, input, { ...options, endOnly: true }))
      if (event.type === "run-end") end = event;
    const result = toResult<O>(end!);
    if (failedEndings.has(result.stopReason)) throw new AgentRunError(result);
    return result;
  }

  /** This agent as a tool another agent can call (the first multi-agent pattern). */
  asTool(options?: AgentToolOptions): Tool<AgentToolInput> {
    return agentTool(this, options);
  }
}
