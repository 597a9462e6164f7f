import type { ModelError, SkeinError } from "../errors/errors.ts";
import type { AssistantMessage, Message } from "../model/messages.ts";
import type { FinishReason, ModelRequest } from "../model/model.ts";
import type { Usage } from "../model/usage.ts";

/** Why a run ended. */
export type StopReason =
  | "done"
  | "cancelled"
  | "max-turns"
  | "max-tokens"
  | "model-error"
  | "tool-error"
  | "output-invalid"
  | "error";

export interface ErrorInfo {
  code: string;
  message: string;
}

/** A tool call with its arguments parsed (or `undefined` when the model's JSON was invalid). */
export interface ParsedToolCall {
  id: string;
  name: string;
  /** Raw JSON text as the model sent it. */
  arguments: string;
  /** Parsed arguments; hooks may replace them before the tool runs. */
  input: unknown;
}

interface Base {
  runId: string;
}

export type RunStartEvent = Base & {
  type: "run-start";
  agent: string;
  /** The agent's description, when it has one. */
  description?: string;
  sessionId?: string;
  input: Message[];
};
export type TurnStartEvent = Base & { type: "turn-start"; turn: number };
export type TextDeltaEvent = Base & { type: "text-delta"; turn: number; text: string };
export type ReasoningDeltaEvent = Base & { type: "reasoning-delta"; turn: number; text: string };
export type TurnEndEvent = Base & {
  type: "turn-end";
  turn: number;
  message: AssistantMessage;
  usage: Usage;
  finishReason: FinishReason;
  /** The provider's id for the completion (e.g. `chatcmpl-…`), when it sent one. */
  responseId?: string;
};
/** A partial turn was thrown away (the model failed mid-stream) and will be replayed; drop its deltas. */
export type TurnDiscardedEvent = Base & { type: "turn-discarded"; turn: number; error: ErrorInfo };
export type ToolCallEvent = Base & { type: "tool-call"; turn: number; call: ParsedToolCall };
export type ToolProgressEvent = Base & { type: "tool-progress"; callId: string; name: string; data: unknown };
export type ToolResultEvent = Base & {
  type: "tool-result";
  callId: string;
  name: string;
  content: string;
  durationMs: number;
};
export type ToolErrorEvent = Base & {
  type: "tool-error";
  callId: string;
  name: string;
  error: ErrorInfo;
  durationMs: number;
};
export type ErrorEvent = Base & { type: "error"; error: ErrorInfo };
export type RunEndEvent = Base & {
  type: "run-end";
  stopReason: StopReason;
  text: string;
  output?: unknown;
  usage: Usage;
  messages: Message[];
  error?: ErrorInfo;
};

// Hook points. They travel on the same bus as the stream events; hooks may change the fields marked mutable.

/** Before each model call. Hooks may edit `request` (e.g. inject memory, trim context). */
export type BeforeModelCallEvent = Base & {
  type: "before-model-call";
  turn: number;
  request: ModelRequest;
  /** The model about to be called (the loop always sets it). */
  model?: { id: string; provider: string };
};
/** When one model call attempt ran, in epoch milliseconds (`performance.timeOrigin + performance.now()`). */
export interface ModelCallTiming {
  startedAt: number;
  /** The first text, reasoning or tool-call chunk; absent when none arrived. */
  firstChunkAt?: number;
  endedAt: number;
}
/** After each model call, successful or not. A hook may set `retry` to replay the turn cleanly after `retry.delayMs`. */
export type AfterModelCallEvent = Base & {
  type: "after-model-call";
  turn: number;
  attempt: number;
  message?: AssistantMessage;
  error?: ModelError | SkeinError;
  retry?: { delayMs: number };
  /** When this attempt ran (the loop always sets it); tracing uses it for exact spans and time to first chunk. */
  timing?: ModelCallTiming;
};
/**
 * Before each tool call. Hooks may rewrite `call.input`, set `deny` to refuse the call with a message the model
 * sees, or set `result` to supply the result without running the tool.
 */
export type BeforeToolCallEvent = Base & {
  type: "before-tool-call";
  call: ParsedToolCall;
  deny?: string;
  result?: unknown;
};
/** After each tool call. Hooks may replace `content`, or set `retry` to run the tool again. */
export type AfterToolCallEvent = Base & {
  type: "after-tool-call";
  call: ParsedToolCall;
  attempt: number;
  content: string;
  isError: boolean;
  error?: SkeinError;
  retry?: { delayMs: number };
};

export type HookEvent = BeforeModelCallEvent | AfterModelCallEvent | BeforeToolCallEvent | AfterToolCallEvent;

export type AgentEvent =
  | RunStartEvent
  | TurnStartEvent
  | TextDeltaEvent
  | ReasoningDeltaEvent
  | TurnEndEvent
  | TurnDiscardedEvent
  | ToolCallEvent
  | ToolProgressEvent
  | ToolResultEvent
  | ToolErrorEvent
  | ErrorEvent
  | RunEndEvent
  | HookEvent;

export type AgentEventType = AgentEvent["type"];
export type AgentEventOf<T extends AgentEventType> = Extract<AgentEvent, { type: T }>;
