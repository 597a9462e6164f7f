/**
 * OpenTelemetry GenAI semantic conventions (v1.41.1): the attribute names Skein emits and the JSON shapes of the
 * content attributes (`gen-ai-input-messages.json`, `gen-ai-output-messages.json`,
 * `gen-ai-system-instructions.json`, `gen-ai-tool-definitions.json`).
 */
import type { Attributes } from "@opentelemetry/api";
import type { AssistantMessage, Message } from "../model/messages.ts";
import type { FinishReason, ModelRequest, ToolSpec } from "../model/model.ts";
import { redactSecrets, redactSecretsInText, toolPayload } from "./redact.ts";

export const GEN_AI = {
  operationName: "gen_ai.operation.name",
  providerName: "gen_ai.provider.name",
  agentName: "gen_ai.agent.name",
  agentDescription: "gen_ai.agent.description",
  conversationId: "gen_ai.conversation.id",
  requestModel: "gen_ai.request.model",
  requestMaxTokens: "gen_ai.request.max_tokens",
  requestTemperature: "gen_ai.request.temperature",
  requestTopP: "gen_ai.request.top_p",
  requestTopK: "gen_ai.request.top_k",
  requestSeed: "gen_ai.request.seed",
  requestStopSequences: "gen_ai.request.stop_sequences",
  requestFrequencyPenalty: "gen_ai.request.frequency_penalty",
  requestPresencePenalty: "gen_ai.request.presence_penalty",
  requestStream: "gen_ai.request.stream",
  outputType: "gen_ai.output.type",
  responseId: "gen_ai.response.id",
  responseModel: "gen_ai.response.model",
  responseFinishReasons: "gen_ai.response.finish_reasons",
  responseTimeToFirstChunk: "gen_ai.response.time_to_first_chunk",
  usageInputTokens: "gen_ai.usage.input_tokens",
  usageOutputTokens: "gen_ai.usage.output_tokens",
  usageCacheReadInputTokens: "gen_ai.usage.cache_read.input_tokens",
  usageReasoningOutputTokens: "gen_ai.usage.reasoning.output_tokens",
  toolName: "gen_ai.tool.name",
  toolType: "gen_ai.tool.type",
  toolDescription: "gen_ai.tool.description",
  toolCallId: "gen_ai.tool.call.id",
  toolCallArguments: "gen_ai.tool.call.arguments",
  toolCallResult: "gen_ai.tool.call.result",
  toolDefinitions: "gen_ai.tool.definitions",
  inputMessages: "gen_ai.input.messages",
  outputMessages: "gen_ai.output.messages",
  systemInstructions: "gen_ai.system_instructions",
} as const;

export const ERROR_TYPE = "error.type";

/** Skein's own attributes. */
export const SKEIN = {
  runId: "skein.run.id",
  turn: "skein.turn",
  attempt: "skein.attempt",
  stopReason: "skein.run.stop_reason",
} as const;

/** The span event that marks the first streamed chunk of a model call. */
export const FIRST_CHUNK_EVENT = "skein.first_chunk";

const finishReasons: Record<FinishReason, string> = {
  stop: "stop",
  "tool-calls": "tool_call",
  length: "length",
  "content-filter": "content_filter",
  other: "other",
};

/** Skein's finish reason in the spec's vocabulary (`tool_call`, `content_filter`). */
export const finishReasonOf = (reason: FinishReason): string => finishReasons[reason] ?? reason;

/** `gen_ai.output.type` for a request, when it asks for a format. */
export function outputTypeOf(request: ModelRequest): string | undefined {
  const format = request.responseFormat;
  if (!format) return undefined;
  return format.type === "text" ? "text" : "json";
}

const numberOptions: [option: string, attribute: string][] = [
  ["top_p", GEN_AI.requestTopP],
  ["top_k", GEN_AI.requestTopK],
  ["seed", GEN_AI.requestSeed],
  ["frequency_penalty", GEN_AI.requestFrequencyPenalty],
  ["presence_penalty", GEN_AI.requestPresencePenalty],
];

/** The request parameters the conventions name, added to `into` when the request sets them. */
export function requestAttributes(request: ModelRequest, into: Attributes): void {
  if (request.temperature !== undefined) into[GEN_AI.requestTemperature] = request.temperature;
  if (request.maxOutputTokens !== undefined) into[GEN_AI.requestMaxTokens] = request.maxOutputTokens;
  const outputType = outputTypeOf(request);
  if (outputType) into[GEN_AI.outputType] = outputType;
  const extra = request.providerOptions;
  if (!extra) return;
  for (const [option, attribute] of numberOptions) {
    const value = extra[option];
    if (typeof value === "number") into[attribute] = value;
  }
  const stop = extra.stop;
  if (typeof stop === "string") into[GEN_AI.requestStopSequences] = [stop];
  else if (Array.isArray(stop) && stop.every((s) => typeof s === "string"))
    into[GEN_AI.requestStopSequences] = stop as string[];
}

type Part = Record<string, unknown>;

function toolCallArguments(raw: string, parsed?: unknown): unknown {
  if (parsed !== undefined) return redactSecrets(parsed);
  if (raw.trim() === "") return {};
  try {
    return redactSecrets(JSON.parse(raw));
  } catch {
    return redactSecretsInText(raw);
  }
}

function assistantParts(message: AssistantMessage): Part[] {
  const parts: Part[] = [];
  if (message.reasoning) parts.push({ type: "reasoning", content: message.reasoning });
  if (message.content) parts.push({ type: "text", content: message.content });
  for (const call of message.toolCalls ?? []) {
    parts.push({
      type: "tool_call",
      id: call.id,
      name: call.name,
      arguments: toolCallArguments(call.arguments),
    });
  }
  return parts;
}

/** One message as a `ChatMessage` of the input messages schema. */
function chatMessage(message: Message): Record<string, unknown> {
  switch (message.role) {
    case "system":
    case "user":
      return { role: message.role, parts: [{ type: "text", content: message.content }] };
    case "assistant":
      return { role: "assistant", parts: assistantParts(message) };
    case "tool":
      return {
        role: "tool",
        parts: [
          { type: "tool_call_response", id: message.toolCallId, response: toolPayload(message.content) },
        ],
      };
  }
}

/** `gen_ai.input.messages`, as a JSON string (span attributes cannot hold structures). */
export const inputMessagesJson = (messages: readonly Message[]): string =>
  JSON.stringify(messages.map(chatMessage));

/** `gen_ai.output.messages` for one assistant message (Skein reads one choice). */
export const outputMessagesJson = (message: AssistantMessage, finishReason: string): string =>
  JSON.stringify([{ role: "assistant", parts: assistantParts(message), finish_reason: finishReason }]);

/** `gen_ai.system_instructions`. */
export const systemInstructionsJson = (system: string): string =>
  JSON.stringify([{ type: "text", content: system }]);

/** `gen_ai.tool.definitions`. */
export const toolDefinitionsJson = (tools: readonly ToolSpec[]): string =>
  JSON.stringify(
    tools.map((t) => ({
      type: "function",
      name: t.name,
      description: t.description,
      parameters: t.parameters,
    })),
  );

/** `gen_ai.tool.call.arguments`: the parsed input when there is one, else the model's raw text. */
export const toolArgumentsJson = (raw: string, parsed: unknown): string =>
  JSON.stringify(toolCallArguments(raw, parsed));

/** `gen_ai.tool.call.result`. */
export const toolResultJson = (content: string): string => JSON.stringify(toolPayload(content));
