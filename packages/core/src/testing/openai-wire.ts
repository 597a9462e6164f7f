/**
 * Chat Completions wire shapes as DashScope (and OpenAI) send them, for the mock server. Field order and the
 * pass-through nulls (`system_fingerprint`, `logprobs`, `usage` on ordinary chunks) follow captured responses.
 */

export interface MockUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  reasoning_tokens?: number;
  cached_tokens?: number;
}

export interface MockToolCall {
  id?: string;
  name: string;
  /** Raw argument text, sent as is (may be invalid JSON on purpose); an object is JSON-encoded. */
  arguments: string | Record<string, unknown>;
}

export interface TurnContent {
  text?: string;
  reasoning?: string;
  toolCalls?: MockToolCall[];
  /** Characters per streamed piece (default 4); tool arguments are split the same way, anywhere. */
  chunkSize?: number;
  finishReason?: string;
  usage?: MockUsage;
}

export interface WireContext {
  id: string;
  model: string;
  created: number;
  /** The request's messages, for a default prompt token estimate. */
  promptChars: number;
}

export const sseFrame = (payload: unknown): string =>
  `data: ${typeof payload === "string" ? payload : JSON.stringify(payload)}\n\n`;

export function chunk(ctx: WireContext, delta: Record<string, unknown>, finishReason: string | null = null) {
  return {
    choices: [{ delta, finish_reason: finishReason, index: 0, logprobs: null }],
    object: "chat.completion.chunk",
    usage: null,
    created: ctx.created,
    system_fingerprint: null,
    model: ctx.model,
    id: ctx.id,
  };
}

export function split(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}

export function toolCallIds(
  calls: MockToolCall[],
  ctx: WireContext,
): { id: string; name: string; args: string }[] {
  return calls.map((call, i) => ({
    id: call.id ?? `call_${ctx.id.slice(-12)}${i}`,
    name: call.name,
    args: typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments),
  }));
}

export function usageBody(ctx: WireContext, turn: TurnContent): Record<string, unknown> {
  const args = (turn.toolCalls ?? []).reduce(
    (n, c) => n + (typeof c.arguments === "string" ? c.arguments : JSON.stringify(c.arguments)).length,
    0,
  );
  const reasoningChars = turn.reasoning?.length ?? 0;
  const prompt = turn.usage?.prompt_tokens ?? Math.max(1, Math.ceil(ctx.promptChars / 4));
  const reasoning =
    turn.usage?.reasoning_tokens ?? (reasoningChars > 0 ? Math.ceil(reasoningChars / 4) : undefined);
  const completion =
    turn.usage?.completion_tokens ??
    Math.max(1, Math.ceil(((turn.text?.length ?? 0) + args + reasoningChars) / 4));
  const usage: Record<string, unknown> = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
  if (reasoning !== undefined) usage.completion_tokens_details = { reasoning_tokens: reasoning };
  if (reasoning !== undefined || turn.usage?.cached_tokens !== undefined) {
    usage.prompt_tokens_details = { cached_tokens: turn.usage?.cached_tokens ?? 0 };
  }
  return usage;
}

/** The data payloads of one streamed turn, in order, ending with the usage chunk (when asked) and `[DONE]`. */
export function* streamPayloads(
  ctx: WireContext,
  turn: TurnContent,
  includeUsage: boolean,
): Generator<unknown> {
  const size = Math.max(1, turn.chunkSize ?? 4);
  const thinking = turn.reasoning !== undefined;
  yield chunk(
    ctx,
    thinking
      ? { content: null, role: "assistant", reasoning_content: "" }
      : { content: "", role: "assistant" },
  );
  for (const piece of split(turn.reasoning ?? "", size))
    yield chunk(ctx, { content: null, reasoning_content: piece });
  for (const piece of split(turn.text ?? "", size)) {
    yield chunk(ctx, thinking ? { content: piece, reasoning_content: null } : { content: piece });
  }
  const calls = toolCallIds(turn.toolCalls ?? [], ctx);
  for (const [index, call] of calls.entries()) {
    const first = { index, id: call.id, type: "function", function: { name: call.name, arguments: "" } };
    yield chunk(ctx, { content: null, tool_calls: [first] });
    for (const piece of split(call.args, size)) {
      const next = { index, id: "", type: "function", function: { arguments: piece } };
      yield chunk(ctx, { content: null, tool_calls: [next] });
    }
  }
  const finish = turn.finishReason ?? (calls.length > 0 ? "tool_calls" : "stop");
  const last =
    calls.length > 0
      ? { content: null }
      : thinking
        ? { content: "", reasoning_content: null }
        : { content: "" };
  yield chunk(ctx, last, finish);
  if (includeUsage) {
    const { choices: _, ...rest } = chunk(ctx, {});
    yield { choices: [], ...rest, usage: usageBody(ctx, turn) };
  }
  yield "[DONE]";
}

/** The same turn as one non-streaming `chat.completion` body. */
export function completionBody(ctx: WireContext, turn: TurnContent): Record<string, unknown> {
  const calls = toolCallIds(turn.toolCalls ?? [], ctx);
  const message: Record<string, unknown> = { content: turn.text ?? "", role: "assistant" };
  if (turn.reasoning !== undefined) message.reasoning_content = turn.reasoning;
  if (calls.length > 0) {
    message.tool_calls = calls.map((c, index) => ({
      index,
      id: c.id,
      type: "function",
      function: { name: c.name, arguments: c.args },
    }));
  }
  return {
    choices: [
      {
        message,
        finish_reason: turn.finishReason ?? (calls.length > 0 ? "tool_calls" : "stop"),
        index: 0,
        logprobs: null,
      },
    ],
    object: "chat.completion",
    usage: usageBody(ctx, turn),
    created: ctx.created,
    system_fingerprint: null,
    model: ctx.model,
    id: ctx.id,
  };
}

export function errorEnvelope(status: number, requestId: string): Record<string, unknown> {
  const code = status >= 500 ? "internal_error" : status === 429 ? "limit_requests" : "invalid_request_error";
  return {
    error: { message: `Mock error ${status}`, type: code, param: null, code },
    request_id: requestId,
  };
}
