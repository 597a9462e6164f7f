import type { JsonSchema } from "../model/model.ts";
import type { CompiledSchema } from "../schema/schema.ts";

export interface ToolLogger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

export interface ToolContext {
  /** Aborted when the run is cancelled or the tool's deadline passes. */
  signal: AbortSignal;
  runId: string;
  sessionId?: string;
  toolCallId: string;
  agentName: string;
  logger: ToolLogger;
}

/** What a tool's stream yields: any number of progress events, then exactly one result. */
export type ToolStreamEvent = { type: "progress"; data: unknown } | { type: "result"; content: unknown };

/** The one contract every tool implements (function tools, MCP tools, agents as tools). */
export interface Tool<I = unknown> {
  readonly name: string;
  readonly description: string;
  /** Input schema, compiled once; `jsonSchema` is what the model sees. */
  readonly input: CompiledSchema<I>;
  /** Deadline for one call, in ms. Falls back to the agent's `toolTimeoutMs`. */
  readonly timeoutMs?: number;
  /**
   * `false` when running a call twice could do harm (a payment, an email). A durable host (the runtime) then never
   * re-runs a call of this tool that started but left no recorded result before a crash; it ends the run as
   * interrupted instead. Default: safe to run again.
   */
  readonly idempotent?: boolean;
  stream(input: I, ctx: ToolContext): AsyncIterable<ToolStreamEvent>;
}

export type AnyTool = Tool<any>;

export const toolJsonSchema = (t: AnyTool): JsonSchema => t.input.jsonSchema;
