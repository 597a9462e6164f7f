import type { Message, StopReason, Usage } from "@skein/core";
import { z } from "zod";
import type { Run } from "../../store/store.ts";

// OpenAI Chat Completions wire shapes (as in the OpenAI OpenAPI specification) and their mapping to Skein.

const textPart = z.object({ type: z.literal("text"), text: z.string() }).passthrough();
const content = z.union([z.string(), z.array(textPart), z.null()]).optional();

const chatMessage = z.discriminatedUnion("role", [
  z.object({ role: z.enum(["system", "developer"]), content }).passthrough(),
  z.object({ role: z.literal("user"), content }).passthrough(),
  z
    .object({
      role: z.literal("assistant"),
      content,
      tool_calls: z
        .array(
          z
            .object({
              id: z.string(),
              type: z.literal("function"),
              function: z.object({ name: z.string(), arguments: z.string() }).passthrough(),
            })
            .passthrough(),
        )
        .optional(),
    })
    .passthrough(),
  z.object({ role: z.literal("tool"), content, tool_call_id: z.string() }).passthrough(),
]);

/** Fields the endpoint reads; the many others OpenAI clients send (temperature, n, ...) are accepted and ignored. */
export const chatCompletionRequest = z
  .object({
    model: z.string().min(1),
    messages: z.array(chatMessage).min(1),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).passthrough().nullish(),
    user: z.string().min(1).max(256).nullish(),
  })
  .passthrough();
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequest>;

const text = (value: z.infer<typeof content>): string =>
  typeof value === "string" ? value : (value ?? []).map((part) => part.text).join("");

/** The request's messages as Skein messages (`developer` is treated as `system`). */
export function toSkeinMessages(messages: ChatCompletionRequest["messages"]): Message[] {
  const toolNames = new Map<string, string>();
  return messages.map((m): Message => {
    switch (m.role) {
      case "system":
      case "developer":
        return { role: "system", content: text(m.content) };
      case "user":
        return { role: "user", content: text(m.content) };
      case "assistant": {
        const calls = (m.tool_calls ?? []).map((c) => ({
          id: c.id,
          name: c.function.name,
          arguments: c.function.arguments,
        }));
        for (const c of calls) toolNames.set(c.id, c.name);
        return calls.length > 0
          ? { role: "assistant", content: text(m.content), toolCalls: calls }
          : { role: "assistant", content: text(m.content) };
      }
      default:
        return {
          role: "tool",
          toolCallId: m.tool_call_id,
          name: toolNames.get(m.tool_call_id) ?? "",
          content: text(m.content),
        };
    }
  });
}

export function finishReason(stopReason: string | undefined): "stop" | "length" | "content_filter" {
  const reason = stopReason as StopReason | undefined;
  if (reason === "max-tokens" || reason === "max-turns") return "length";
  return "stop";
}

export const toOpenAIUsage = (usage: Usage) => ({
  prompt_tokens: usage.inputTokens,
  completion_tokens: usage.outputTokens,
  total_tokens: usage.totalTokens,
  ...(usage.reasoningTokens !== undefined
    ? { completion_tokens_details: { reasoning_tokens: usage.reasoningTokens } }
    : {}),
  ...(usage.cachedInputTokens !== undefined
    ? { prompt_tokens_details: { cached_tokens: usage.cachedInputTokens } }
    : {}),
});

export const completionId = (run: Run): string => `chatcmpl-${run.id}`;
export const unixSeconds = (ms: number): number => Math.floor(ms / 1000);

export function completionBody(run: Run, model: string) {
  const result = (run.result ?? {}) as { text?: string };
  return {
    id: completionId(run),
    object: "chat.completion",
    created: unixSeconds(run.createdAt),
    model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: result.text ?? "", refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: finishReason(run.stopReason),
      },
    ],
    usage: toOpenAIUsage(run.usage),
  };
}

export interface ChunkContext {
  id: string;
  created: number;
  model: string;
  /** With `stream_options.include_usage`, every chunk but the last carries `usage: null`. */
  includeUsage: boolean;
}

export function chunk(ctx: ChunkContext, delta: Record<string, unknown>, finish: string | null = null) {
  return {
    id: ctx.id,
    object: "chat.completion.chunk",
    created: ctx.created,
    model: ctx.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(ctx.includeUsage ? { usage: null } : {}),
  };
}

export function usageChunk(ctx: ChunkContext, usage: Usage) {
  return {
    id: ctx.id,
    object: "chat.completion.chunk",
    created: ctx.created,
    model: ctx.model,
    choices: [],
    usage: toOpenAIUsage(usage),
  };
}

const errorTypes: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  409: "invalid_request_error",
  413: "invalid_request_error",
  415: "invalid_request_error",
  429: "rate_limit_error",
};

/** OpenAI's error envelope, so OpenAI clients surface the message and code. */
export function openAIError(status: number, code: string, message: string) {
  return { error: { message, type: errorTypes[status] ?? "server_error", param: null, code } };
}
