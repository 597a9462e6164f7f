import { ModelResponseError } from "../errors/errors.ts";
import { modelEvents } from "../model/event-batches.ts";
import type { AssistantMessage, ToolCall } from "../model/messages.ts";
import type { FinishReason, Model, ModelEvent, ModelRequest } from "../model/model.ts";
import { emptyUsage, type Usage } from "../model/usage.ts";
import { abortableDelay } from "./abortable-delay.ts";
import { asSkeinError, errorInfo } from "./error-info.ts";
import type { AfterModelCallEvent, AgentEvent, AgentEventType, ModelCallTiming } from "./events.ts";

type Emit = (event: AgentEvent) => void | Promise<void>;

export interface TurnOutcome {
  message: AssistantMessage;
  usage: Usage;
  finishReason: FinishReason;
  responseId?: string;
}

/** One attempt's progress, kept outside the attempt so a failed one still reports its timing. */
interface AttemptState {
  /** True once any delta of this attempt reached the caller: a retry must then discard it first. */
  emitted: boolean;
  /** Epoch ms when the model was called and when its first text, reasoning or tool-call chunk arrived. */
  startedAt: number;
  firstChunkAt?: number;
}

/** Epoch milliseconds with sub-millisecond precision. */
export const epochNow = (): number => performance.timeOrigin + performance.now();

const timingOf = (state: AttemptState): ModelCallTiming => ({
  startedAt: state.startedAt,
  firstChunkAt: state.firstChunkAt,
  endedAt: epochNow(),
});

/**
 * One model turn with its attempts. Each attempt streams the model's events (text and reasoning deltas go out as
 * they arrive; the assistant message is assembled and returned, not committed: the loop commits it with its tool
 * results) and ends with an `after-model-call` hook point, where a plugin (model-retry) may ask for another
 * attempt. Deltas of a failed attempt that reached the caller are withdrawn with `turn-discarded` before the
 * replay, so nothing is ever sent twice. The model's stream is read here directly, not through another generator:
 * every layer would cost each delta a few more promise hops.
 */
export async function* callModel(
  model: Model,
  request: ModelRequest,
  ids: { runId: string; turn: number },
  emit: Emit,
  signal?: AbortSignal,
  /** Pass events through the hooks only, without yielding them (see `LoopRunOptions.endOnly`). */
  quiet = false,
  /** Whether anyone (the consumer or a hook) sees deltas of this type; unseen deltas are not built. */
  seen: (type: AgentEventType) => boolean = () => true,
): AsyncGenerator<AgentEvent, TurnOutcome> {
  const { runId, turn } = ids;
  for (let attempt = 1; ; attempt++) {
    const state: AttemptState = { emitted: false, startedAt: epochNow() };
    let outcome: TurnOutcome | undefined;
    let failure: unknown;
    try {
      let text = "";
      let reasoning = "";
      const toolCalls: ToolCall[] = [];
      let usage: Usage | undefined;
      let finishReason: FinishReason | undefined;
      let responseId: string | undefined;
      // One batch per network read when the model offers batches (see `eventBatches`), else single events.
      const single: ModelEvent[] = [];
      for await (const item of modelEvents(model, request, signal)) {
        let batch: ModelEvent[];
        if (Array.isArray(item)) batch = item;
        else {
          single[0] = item;
          batch = single;
        }
        for (const event of batch) {
          switch (event.type) {
            case "text-delta":
            case "reasoning-delta": {
              state.firstChunkAt ??= epochNow();
              if (event.type === "text-delta") text += event.text;
              else reasoning += event.text;
              state.emitted = true;
              if (!seen(event.type)) break;
              const out: AgentEvent = { type: event.type, runId, turn, text: event.text };
              const pending = emit(out);
              if (pending) await pending;
              if (!quiet) yield out;
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
      outcome = { message, usage: usage ?? emptyUsage(), finishReason, responseId };
    } catch (caught) {
      if (signal?.aborted) throw caught;
      failure = caught;
    }
    const after: AfterModelCallEvent = {
      type: "after-model-call",
      runId,
      turn,
      attempt,
      timing: timingOf(state),
      ...(outcome ? { message: outcome.message } : { error: asSkeinError(failure) }),
    };
    const pending = emit(after);
    if (pending) await pending;
    if (!quiet) yield after;
    if (outcome) return outcome;
    if (!after.retry) throw after.error;
    if (state.emitted) {
      const discarded: AgentEvent = { type: "turn-discarded", runId, turn, error: errorInfo(failure) };
      const pendingDiscard = emit(discarded);
      if (pendingDiscard) await pendingDiscard;
      if (!quiet) yield discarded;
    }
    await abortableDelay(after.retry.delayMs, signal);
    signal?.throwIfAborted();
  }
}
