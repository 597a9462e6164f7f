import { ModelResponseError } from "../errors/errors.ts";
import type { AssistantMessage, ToolCall } from "../model/messages.ts";
import type { FinishReason, Model, ModelRequest } from "../model/model.ts";
import { emptyUsage, type Usage } from "../model/usage.ts";
import type { AgentEvent } from "./events.ts";

export interface TurnOutcome {
  message: AssistantMessage;
  usage: Usage;
  finishReason: FinishReason;
  responseId?: string;
}

export interface TurnState {
  /** True once any delta of this turn reached the caller: a retry must then discard it first. */
  emitted: boolean;
  /** Epoch ms when the model was called and when its first text, reasoning or tool-call chunk arrived. */
  startedAt?: number;
  firstChunkAt?: number;
}

/** Epoch milliseconds with sub-millisecond precision. */
export const epochNow = (): number => performance.timeOrigin + performance.now();

/**
 * Streams one model turn, yielding text and reasoning deltas as they arrive, and returns the assembled
 * assistant message. The message is returned, not committed: the loop commits it with its tool results.
 */
export async function* streamModelTurn(
  model: Model,
  request: ModelRequest,
  ids: { runId: string; turn: number },
  state: TurnState,
  emit: (event: AgentEvent) => void | Promise<void>,
  signal?: AbortSignal,
): AsyncGenerator<AgentEvent, TurnOutcome> {
  let text = "";
  let reasoning = "";
  const toolCalls: ToolCall[] = [];
  let usage: Usage = emptyUsage();
  let finishReason: FinishReason | undefined;
  let responseId: string | undefined;
  state.startedAt = epochNow();
  for await (const event of model.stream(request, signal)) {
    switch (event.type) {
      case "text-delta": {
        state.firstChunkAt ??= epochNow();
        text += event.text;
        const out: AgentEvent = { type: "text-delta", runId: ids.runId, turn: ids.turn, text: event.text };
        const pending = emit(out);
        if (pending) await pending;
        state.emitted = true;
        yield out;
        break;
      }
      case "reasoning-delta": {
        state.firstChunkAt ??= epochNow();
        reasoning += event.text;
        const out: AgentEvent = {
          type: "reasoning-delta",
          runId: ids.runId,
          turn: ids.turn,
          text: event.text,
        };
        const pending = emit(out);
        if (pending) await pending;
        state.emitted = true;
        yield out;
        break;
      }
      case "tool-call":
        state.firstChunkAt ??= epochNow();
        toolCalls.push(event.call);
        break;
      case "usage":
        usage = event.usage;
        break;
      case "finish":
        finishReason = event.reason;
        responseId = event.requestId;
        break;
    }
  }
  signal?.throwIfAborted();
  if (finishReason === undefined) {
    throw new ModelResponseError(`Model ${model.id} ended its stream without a finish reason`, {
      provider: model.provider,
    });
  }
  const message: AssistantMessage = { role: "assistant", content: text };
  if (reasoning) message.reasoning = reasoning;
  if (toolCalls.length > 0) message.toolCalls = toolCalls;
  return { message, usage, finishReason, responseId };
}
