import type { Message, ToolCall } from "./messages.ts";
import type { Usage } from "./usage.ts";

export type JsonSchema = Record<string, unknown>;

/** What the model is told about a tool. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: JsonSchema;
}

export type ToolChoice = "auto" | "none" | "required" | { name: string };

export type ResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; name: string; schema: JsonSchema };

export interface ModelRequest {
  /** The system prompt, kept apart from the history so context managers never drop it. */
  system?: string;
  messages: Message[];
  tools?: ToolSpec[];
  toolChoice?: ToolChoice;
  responseFormat?: ResponseFormat;
  maxOutputTokens?: number;
  temperature?: number;
  parallelToolCalls?: boolean;
  /** Provider-specific fields merged into the request body as they are (for example `{ enable_search: true }`). */
  providerOptions?: Record<string, unknown>;
}

export type FinishReason = "stop" | "tool-calls" | "length" | "content-filter" | "other";

/** The flat events a model streams. A complete turn ends with exactly one `finish`. */
export type ModelEvent =
  | { type: "text-delta"; text: string }
  | { type: "reasoning-delta"; text: string }
  /** A tool call whose arguments are complete (adapters assemble the streamed pieces). */
  | { type: "tool-call"; call: ToolCall }
  | { type: "usage"; usage: Usage }
  | { type: "finish"; reason: FinishReason; requestId?: string };

export interface Pricing {
  currency: "USD" | "CNY";
  /** Price per million tokens. Tiers by input length: the first tier whose `upTo` is >= the prompt's input tokens applies. */
  tiers: { upTo: number; input: number; output: number; reasoningOutput?: number; cachedInput?: number }[];
}

export interface ModelInfo {
  contextWindow: number;
  maxOutputTokens: number;
  pricing?: Pricing;
}

/** The one contract every model provider implements. */
export interface Model {
  /** The provider's model name, e.g. `qwen3-max`. */
  readonly id: string;
  /** e.g. `dashscope`, `openai-compatible`, `scripted`. */
  readonly provider: string;
  readonly info?: ModelInfo;
  /** Streams one model turn. Throws a `ModelError` subclass on failure; honours `signal`. */
  stream(request: ModelRequest, signal?: AbortSignal): AsyncIterable<ModelEvent>;
}
