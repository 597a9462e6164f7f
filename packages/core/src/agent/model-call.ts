import type { Model, ModelRequest } from "../model/model.ts";
import { abortableDelay } from "./abortable-delay.ts";
import { asSkeinError, errorInfo } from "./error-info.ts";
import type { AfterModelCallEvent, AgentEvent, ModelCallTiming } from "./events.ts";
import { epochNow, streamModelTurn, type TurnOutcome, type TurnState } from "./model-turn.ts";

type Emit = (event: AgentEvent) => void | Promise<void>;

const timingOf = (state: TurnState): ModelCallTiming => {
  const endedAt = epochNow();
  return { startedAt: state.startedAt ?? endedAt, firstChunkAt: state.firstChunkAt, endedAt };
};

/**
 * One model turn with its attempts: each attempt ends with an `after-model-call` hook point, where a plugin
 * (model-retry) may ask for another attempt. Deltas of a failed attempt that reached the caller are withdrawn
 * with `turn-discarded` before the replay, so nothing is ever sent twice.
 */
export async function* callModel(
  model: Model,
  request: ModelRequest,
  ids: { runId: string; turn: number },
  emit: Emit,
  signal?: AbortSignal,
): AsyncGenerator<AgentEvent, TurnOutcome> {
  for (let attempt = 1; ; attempt++) {
    const state: TurnState = { emitted: false };
    let outcome: TurnOutcome | undefined;
    let failure: unknown;
    try {
      outcome = yield* streamModelTurn(model, request, ids, state, emit, signal);
    } catch (caught) {
      if (signal?.aborted) throw caught;
      failure = caught;
    }
    const after: AfterModelCallEvent = {
      type: "after-model-call",
      ...ids,
      attempt,
      timing: timingOf(state),
      ...(outcome ? { message: outcome.message } : { error: asSkeinError(failure) }),
    };
    const pending = emit(after);
    if (pending) await pending;
    yield after;
    if (outcome) return outcome;
    if (!after.retry) throw after.error;
    if (state.emitted) {
      const discarded: AgentEvent = { type: "turn-discarded", ...ids, error: errorInfo(failure) };
      const pendingDiscard = emit(discarded);
      if (pendingDiscard) await pendingDiscard;
      yield discarded;
    }
    await abortableDelay(after.retry.delayMs, signal);
    signal?.throwIfAborted();
  }
}
