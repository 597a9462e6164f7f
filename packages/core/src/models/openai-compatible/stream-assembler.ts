import { ModelResponseError } from "../../errors/errors.ts";
import type { ToolCall } from "../../model/messages.ts";
import type { FinishReason, ModelEvent, Pricing } from "../../model/model.ts";
import type { Usage } from "../../model/usage.ts";
import { computeCost } from "../cost.ts";
import { errorFromStreamPayload } from "./http-errors.ts";

const FINISH_REASONS: Record<string, FinishReason> = {
  stop: "stop",
  tool_calls: "tool-calls",
  function_call: "tool-calls",
  length: "length",
  content_filter: "content-filter",
};

export function mapFinishReason(reason: string): FinishReason {
  return FINISH_REASONS[reason] ?? "other";
}

/** Chat Completions `usage` → Usage (with cost when the model's pricing is known). */
export function mapUsage(wire: any, pricing?: Pricing): Usage {
  const inputTokens = Number(wire.prompt_tokens ?? wire.input_tokens ?? 0);
  const outputTokens = Number(wire.completion_tokens ?? wire.output_tokens ?? 0);
  const usage: Usage = {
    inputTokens,
    outputTokens,
    totalTokens: Number(wire.total_tokens ?? inputTokens + outputTokens),
  };
  const reasoning = wire.completion_tokens_details?.reasoning_tokens;
  if (typeof reasoning === "number") usage.reasoningTokens = reasoning;
  const cached = wire.prompt_tokens_details?.cached_tokens;
  if (typeof cached === "number") usage.cachedInputTokens = cached;
  if (pricing) {
    const cost = computeCost(pricing, usage);
    if (cost) usage.cost = cost;
  }
  return usage;
}

interface PendingCall {
  id: string;
  name: string;
  arguments: string;
}

/**
 * Turns parsed Chat Completions chunks into ModelEvents. Text and reasoning stream through; tool calls are
 * assembled by `index` (id and name come first, later pieces carry only argument text, split anywhere) and
 * emitted whole when the choice finishes. Only choice 0 is read.
 */
export class ChatStreamAssembler {
  requestId: string | undefined;
  finishReason: FinishReason | undefined;
  private usage: Usage | undefined;
  private readonly calls: PendingCall[] = [];
  private readonly provider: string;
  private readonly pricing: Pricing | undefined;

  constructor(provider: string, pricing?: Pricing) {
    this.provider = provider;
    this.pricing = pricing;
  }

  /** One streamed `chat.completion.chunk`. */
  acceptChunk(chunk: any, out: ModelEvent[]): void {
    if (chunk === null || typeof chunk !== "object") {
      throw new ModelResponseError("Stream chunk is not a JSON object", { provider: this.provider });
    }
    if (this.requestId === undefined && typeof chunk.id === "string" && chunk.id) this.requestId = chunk.id;
    if (chunk.error) throw errorFromStreamPayload(chunk.error, this.provider, this.requestId);
    if (chunk.usage) this.usage = mapUsage(chunk.usage, this.pricing);
    const choices = chunk.choices;
    if (!Array.isArray(choices)) return;
    for (const choice of choices) {
      if ((choice.index ?? 0) !== 0) continue;
      const delta = choice.delta;
      if (delta) {
        const reasoning = delta.reasoning_content ?? delta.reasoning;
        if (typeof reasoning === "string" && reasoning.length > 0)
          out.push({ type: "reasoning-delta", text: reasoning });
        if (typeof delta.content === "string" && delta.content.length > 0) {
          out.push({ type: "text-delta", text: delta.content });
        }
        if (Array.isArray(delta.tool_calls))
          for (const piece of delta.tool_calls) this.acceptToolCallPiece(piece);
      }
      if (typeof choice.finish_reason === "string" && choice.finish_reason) {
        this.finishChoice(choice.finish_reason, out);
      }
    }
  }

  /** A whole non-streaming `chat.completion` body (servers that ignore `stream: true`). */
  acceptCompletion(body: any, out: ModelEvent[]): void {
    if (body === null || typeof body !== "object" || !Array.isArray(body.choices)) {
      throw new ModelResponseError("Completion body has no choices", { provider: this.provider });
    }
    if (typeof body.id === "string" && body.id) this.requestId = body.id;
    const choice = body.choices.find((c: any) => (c.index ?? 0) === 0) ?? body.choices[0];
    const message = choice?.message ?? {};
    const reasoning = message.reasoning_content ?? message.reasoning;
    if (typeof reasoning === "string" && reasoning) out.push({ type: "reasoning-delta", text: reasoning });
    if (typeof message.content === "string" && message.content)
      out.push({ type: "text-delta", text: message.content });
    if (Array.isArray(message.tool_calls)) {
      for (const [i, call] of message.tool_calls.entries()) this.acceptToolCallPiece({ index: i, ...call });
    }
    if (body.usage) this.usage = mapUsage(body.usage, this.pricing);
    this.finishChoice(typeof choice?.finish_reason === "string" ? choice.finish_reason : "stop", out);
  }

  /** Emits usage and the one `finish`. Call after `[DONE]` or a clean end of stream. */
  end(out: ModelEvent[]): void {
    if (this.finishReason === undefined) this.finishChoice("stop", out);
    if (this.usage) out.push({ type: "usage", usage: this.usage });
    out.push({ type: "finish", reason: this.finishReason!, requestId: this.requestId });
  }

  private acceptToolCallPiece(piece: any): void {
    const index = typeof piece.index === "number" ? piece.index : Math.max(0, this.calls.length - 1);
    let call = this.calls[index];
    if (!call) {
      call = { id: "", name: "", arguments: "" };
      this.calls[index] = call;
    }
    if (typeof piece.id === "string" && piece.id && !call.id) call.id = piece.id;
    const fn = piece.function;
    if (fn) {
      if (typeof fn.name === "string" && fn.name && !call.name) call.name = fn.name;
      if (typeof fn.arguments === "string") call.arguments += fn.arguments;
      else if (fn.arguments && typeof fn.arguments === "object")
        call.arguments += JSON.stringify(fn.arguments);
    }
  }

  private finishChoice(reason: string, out: ModelEvent[]): void {
    let mapped = mapFinishReason(reason);
    const calls = this.calls.filter((c) => c !== undefined);
    // Some servers (vLLM with certain parsers) say "stop" although the turn ended in tool calls.
    if (mapped === "stop" && calls.length > 0) mapped = "tool-calls";
    this.finishReason = mapped;
    for (const call of calls) {
      // A few servers omit ids; the loop needs one to pair the result with the call.
      if (!call.id) call.id = `call_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
      const complete: ToolCall = { id: call.id, name: call.name, arguments: call.arguments };
      out.push({ type: "tool-call", call: complete });
    }
    this.calls.length = 0;
  }
}
