import type { Usage } from "@skein/core";
import type { SessionEvent } from "../../store/store.ts";
import { formatSse, type RunSseFormat } from "../sse.ts";
import { type ChunkContext, chunk, finishReason, openAIError, usageChunk } from "./wire.ts";

/** The fields of stored agent events the stream reads. */
interface StreamedEvent {
  type: string;
  text?: string;
  message?: { toolCalls?: unknown[] };
  stopReason?: string;
  usage?: Usage;
  error?: { code: string; message: string };
}

const data = (value: unknown) => formatSse({ data: value });

/**
 * A run's events as OpenAI `chat.completion.chunk`s. The answer is the final turn's text, streamed or not: text a
 * model writes before calling tools is not part of it. An agent with tools may call them in any turn, so each
 * turn's text is held until the turn ends without tool calls (`holdTurns`); an agent without tools streams every
 * delta as it comes.
 */
export class ChunkFormat implements RunSseFormat {
  readonly head: string;
  readonly tail = formatSse({ data: "[DONE]", raw: true });
  private readonly ctx: ChunkContext;
  private readonly holdTurns: boolean;
  private held: string[] = [];

  constructor(ctx: ChunkContext, holdTurns: boolean) {
    this.ctx = ctx;
    this.holdTurns = holdTurns;
    this.head = data(chunk(ctx, { role: "assistant", content: "" }));
  }

  event(event: SessionEvent): string {
    const { ctx } = this;
    const e = event.data as StreamedEvent;
    let text = "";
    if (e.type === "turn-start" || e.type === "turn-discarded") this.held = [];
    if (e.type === "text-delta" && e.text) {
      if (this.holdTurns) this.held.push(e.text);
      else text += data(chunk(ctx, { content: e.text }));
    }
    if (e.type === "turn-end") {
      if (!e.message?.toolCalls?.length)
        for (const held of this.held) text += data(chunk(ctx, { content: held }));
      this.held = [];
    }
    if (e.type === "run-end") {
      if (e.error && e.stopReason !== "done") {
        text += data(openAIError(502, e.error.code, e.error.message));
      } else {
        text += data(chunk(ctx, {}, finishReason(e.stopReason)));
        if (ctx.includeUsage && e.usage) text += data(usageChunk(ctx, e.usage));
      }
    }
    return text;
  }
}
