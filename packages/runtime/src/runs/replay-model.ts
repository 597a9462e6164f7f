import {
  type AssistantMessage,
  emptyUsage,
  type FinishReason,
  type Model,
  type ModelEvent,
  type ModelRequest,
} from "@skein/core";

/**
 * Wraps the run's model to play a committed turn back once, without calling the provider. It replays only the call
 * made after `arm()` (the durable-tools plugin arms it on the loop's first `before-model-call`), so a context manager
 * that summarizes with the same model beforehand still reaches the real one.
 */
export class ReplayModel implements Model {
  readonly id: string;
  readonly provider: string;
  readonly info: Model["info"];
  private readonly model: Model;
  private turn: { message: AssistantMessage; finishReason: FinishReason } | undefined;
  private armed = false;

  constructor(model: Model, turn: { message: AssistantMessage; finishReason: FinishReason }) {
    this.model = model;
    this.turn = turn;
    this.id = model.id;
    this.provider = model.provider;
    this.info = model.info;
  }

  /** The next call plays the committed turn back (once). */
  arm(): void {
    if (this.turn) this.armed = true;
  }

  stream(request: ModelRequest, signal?: AbortSignal): AsyncIterable<ModelEvent> {
    const turn = this.turn;
    if (!this.armed || !turn) return this.model.stream(request, signal);
    this.armed = false;
    this.turn = undefined;
    return replay(turn.message, turn.finishReason);
  }
}

async function* replay(message: AssistantMessage, finishReason: FinishReason): AsyncGenerator<ModelEvent> {
  if (message.reasoning) yield { type: "reasoning-delta", text: message.reasoning };
  if (message.content) yield { type: "text-delta", text: message.content };
  for (const call of message.toolCalls ?? []) yield { type: "tool-call", call };
  yield { type: "usage", usage: emptyUsage() };
  yield { type: "finish", reason: finishReason };
}
