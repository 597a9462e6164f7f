import { HttpError } from "./problem.ts";

export interface SseMessage {
  id?: string | number;
  event?: string;
  /** Serialised as one line of JSON, unless `raw` (then written as is, e.g. OpenAI's `[DONE]`). */
  data: unknown;
  raw?: boolean;
}

const encoder = new TextEncoder();

export function formatSse(message: SseMessage): string {
  let text = "";
  if (message.id !== undefined) text += `id: ${message.id}\n`;
  if (message.event !== undefined) text += `event: ${message.event}\n`;
  return `${text}data: ${message.raw ? String(message.data) : JSON.stringify(message.data)}\n\n`;
}

/**
 * A `text/event-stream` response pulling from `source`. When the client goes away the stream is cancelled: the
 * signal given to `source` aborts, so a reader waiting for the next event stops at once.
 */
export function sseResponse(
  source: (signal: AbortSignal) => AsyncIterable<SseMessage>,
  headers: Record<string, string> = {},
): Response {
  const controller = new AbortController();
  const iterator = source(controller.signal)[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>({
    async pull(stream) {
      try {
        const next = await iterator.next();
        if (next.done) stream.close();
        else stream.enqueue(encoder.encode(formatSse(next.value)));
      } catch (error) {
        stream.error(error);
      }
    },
    async cancel() {
      controller.abort();
      await iterator.return?.();
    },
  });
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      "x-accel-buffering": "no",
      ...headers,
    },
  });
}

/** The sequence number to resume after: `Last-Event-ID` (EventSource's re-connect header) or `?after=`. */
export function resumeAfter(lastEventId: string | undefined, after: string | undefined): number {
  const value = lastEventId ?? after;
  if (value === undefined || value === "") return 0;
  if (!/^\d{1,15}$/.test(value.trim()))
    throw new HttpError(400, "invalid_last_event_id", "Last-Event-ID must be an event id this server sent");
  return Number(value.trim());
}

export function wantsEventStream(accept: string | undefined): boolean {
  return accept !== undefined && /\btext\/event-stream\b/i.test(accept);
}
