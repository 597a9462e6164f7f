import type { Plugin } from "../hooks/hooks.ts";
import type { Message } from "../model/messages.ts";
import type { Model, ModelRequest } from "../model/model.ts";
import type { Usage } from "../model/usage.ts";
import type { ModelRetryOptions } from "../plugins/model-retry.ts";
import type { SchemaInput } from "../schema/schema.ts";
import type { AnyTool, ToolLogger } from "../tools/tool.ts";
import type { ErrorInfo, StopReason } from "./events.ts";

/** Shapes the messages sent to the model each turn (sliding window, summaries); never touches the run's history. */
export interface ContextManager {
  prepare(
    request: ModelRequest,
    ctx: { model: Model; signal?: AbortSignal },
  ): ModelRequest | Promise<ModelRequest>;
}

export interface AgentOptions<O = unknown> {
  name: string;
  description?: string;
  instructions?: string;
  /** The model; may be left out and given per run (the CLI and runtime supply a default). */
  model?: Model;
  tools?: AnyTool[];
  /** Structured output: the run's `output` is validated against this schema. */
  output?: SchemaInput<O>;
  /** Bounded retries when the structured output is invalid (default 2). */
  outputRetries?: number;
  plugins?: Plugin[];
  /** Default true: the model-retry plugin (exponential backoff with jitter, honours Retry-After). */
  retry?: boolean | ModelRetryOptions;
  context?: ContextManager;
  /** Run tools of one turn concurrently (default) or one after another. */
  toolExecution?: "concurrent" | "sequential";
  /** Deadline for one tool call (default 60 s). */
  toolTimeoutMs?: number;
  /** Consecutive tool failures (invalid JSON, schema violations, thrown errors) before the run stops (default 3). */
  maxToolFailures?: number;
  maxTurns?: number;
  maxTokens?: number;
  temperature?: number;
  maxOutputTokens?: number;
  providerOptions?: Record<string, unknown>;
  logger?: ToolLogger;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Prior conversation (not including the system prompt); the new input is appended. */
  history?: Message[];
  sessionId?: string;
  runId?: string;
  maxTurns?: number;
  /** Total tokens (input + output) over the whole run. */
  maxTokens?: number;
  /** Plugins for this run only, after the agent's own (a host adds per-run durability or tracing this way). */
  plugins?: Plugin[];
}

export type RunInput = string | Message[];

export interface RunResult<O = unknown> {
  runId: string;
  text: string;
  output: O | undefined;
  /** The whole valid history: prior history, input and everything the run added. */
  messages: Message[];
  usage: Usage;
  stopReason: StopReason;
  error?: ErrorInfo;
}
