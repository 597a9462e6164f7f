import type { ModelError } from "../errors/errors.ts";
import type { ToolCall } from "../model/messages.ts";
import type { FinishReason, Model, ModelEvent, ModelInfo, ModelRequest } from "../model/model.ts";
import type { Usage } from "../model/usage.ts";

/** One scripted model turn. */
export interface ScriptedTurn {
  text?: string;
  reasoning?: string;
  toolCalls?: { id?: string; name: string; arguments: unknown }[];
  usage?: Partial<Usage>;
  finishReason?: FinishReason;
  /** The provider's completion id to report on `finish` (as `requestId`). */
  responseId?: string;
  /** Throw this error instead of answering (after `textBeforeError` was streamed, when set). */
  error?: ModelError | Error;
  textBeforeError?: string;
  /** Wait until the signal aborts before answering: models a stalled provider. */
  hang?: boolean;
}

export type ScriptStep = ScriptedTurn | ((request: ModelRequest) => ScriptedTurn);

export interface ScriptedModel extends Model {
  /** Every request the model received, in order. */
  readonly requests: ModelRequest[];
  /** Turns not yet played. */
  readonly remaining: number;
}

/**
 * Test double at the model boundary: plays the given turns in order, one per call, and records each request.
 * Text is streamed in chunks of `chunkSize` characters.
 */
export function scriptedModel(
  script: ScriptStep[],
  options: { id?: string; chunkSize?: number; info?: ModelInfo } = {},
): ScriptedModel {
  const queue = [...script];
  const requests: ModelRequest[] = [];
  const chunkSize = options.chunkSize ?? 8;
  let callCounter = 0;

  async function* chunks(text: string, type: "text-delta" | "reasoning-delta"): AsyncGenerator<ModelEvent> {
    for (let i = 0; i < text.length; i += chunkSize) yield { type, text: text.slice(i, i + chunkSize) };
  }

  return {
    id: options.id ?? "scripted",
    provider: "scripted",
    info: options.info,
    requests,
    get remaining() {
      return queue.length;
    },
    async *stream(request: ModelRequest, signal?: AbortSignal): AsyncGenerator<ModelEvent> {
      requests.push(structuredClone(request));
      const step = queue.shift();
      if (!step) throw new Error(`scriptedModel: no scripted turn left for call ${requests.length}`);
      const turn = typeof step === "function" ? step(request) : step;
      signal?.throwIfAborted();
      if (turn.hang) {
        await new Promise<never>((_, reject) => {
          if (!signal) return;
          signal.addEventListener("abort", () => reject(signal.reason), { once: true });
        });
      }
      if (turn.error) {
        if (turn.textBeforeError) yield* chunks(turn.textBeforeError, "text-delta");
        throw turn.error;
      }
      if (turn.reasoning) yield* chunks(turn.reasoning, "reasoning-delta");
      if (turn.text) yield* chunks(turn.text, "text-delta");
      const calls: ToolCall[] = (turn.toolCalls ?? []).map((c) => ({
        id: c.id ?? `call_${++callCounter}`,
        name: c.name,
        arguments: typeof c.arguments === "string" ? c.arguments : JSON.stringify(c.arguments),
      }));
      for (const call of calls) yield { type: "tool-call", call };
      const inputTokens = turn.usage?.inputTokens ?? 10;
      const outputTokens = turn.usage?.outputTokens ?? 5;
      yield {
        type: "usage",
        usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, ...turn.usage },
      };
      const reason = turn.finishReason ?? (calls.length > 0 ? "tool-calls" : "stop");
      yield turn.responseId
        ? { type: "finish", reason, requestId: turn.responseId }
        : { type: "finish", reason };
    },
  };
}
