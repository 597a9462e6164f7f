import { ServerResponse } from "node:http";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import type { Context } from "hono";
import type { RunManager } from "../runs/run-manager.ts";
import type { Run } from "../store/store.ts";
import type { RuntimeEnv } from "./context.ts";
import { HttpError } from "./problem.ts";
import { type RunSseFormat, writeRunSse } from "./sse-node.ts";

export type { RunSseFormat } from "./sse-node.ts";

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

/** Default interval of SSE heartbeats: proxies commonly cut streams idle for 30 to 60 s. */
export const DEFAULT_SSE_HEARTBEAT_MS = 15_000;

/** An SSE comment line: ignored by every client, but it keeps the connection busy. */
export const HEARTBEAT = ": keep-alive\n\n";

export interface SseOptions {
  /** Writes a comment line when nothing was sent for this long (default 15 s; 0 turns it off). */
  heartbeatMs?: number;
}

const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  "x-accel-buffering": "no",
};

/** Node's response for this request, when the app runs on `@hono/node-server` and nothing was sent yet. */
function nodeOutgoing(c: Context<RuntimeEnv>): ServerResponse | undefined {
  const outgoing = (c.env as { outgoing?: unknown } | undefined)?.outgoing;
  return outgoing instanceof ServerResponse && !outgoing.headersSent ? outgoing : undefined;
}

/**
 * The run's committed events after `afterSeq` (then its live ones, until it ends here) as a `text/event-stream`
 * response, each written as `format` says. On Node, a run follower pushes them straight to the connection (no
 * generator, promise or abort signal per idle stream); elsewhere the run's events are read as a Web stream.
 */
export function runSseResponse(
  c: Context<RuntimeEnv>,
  runs: RunManager,
  run: Run,
  afterSeq: number,
  format: RunSseFormat,
  headers: Record<string, string> = {},
  options: SseOptions = {},
): Response {
  const all = { ...SSE_HEADERS, "x-request-id": c.get("requestId"), ...headers };
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_SSE_HEARTBEAT_MS;
  const outgoing = nodeOutgoing(c);
  if (outgoing) {
    writeRunSse(outgoing, (sink) => runs.follow(run, afterSeq, sink), format, all, heartbeatMs);
    return RESPONSE_ALREADY_SENT;
  }
  return webSseResponse(
    async function* (signal) {
      if (format.head) yield format.head;
      for await (const event of runs.events(run, afterSeq, signal)) {
        const text = format.event(event);
        if (text !== "") yield text;
      }
      if (format.tail) yield format.tail;
    },
    (text: string) => text,
    all,
    heartbeatMs,
  );
}

function webSseResponse<T>(
  source: (signal: AbortSignal) => AsyncIterable<T>,
  toText: (item: T) => string,
  headers: Record<string, string>,
  heartbeatMs: number,
): Response {
  const controller = new AbortController();
  const iterator = source(controller.signal)[Symbol.asyncIterator]();
  let timer: ReturnType<typeof setInterval> | undefined;
  let closed = false;
  let wrote = false;
  const stop = () => {
    closed = true;
    clearInterval(timer);
  };
  const body = new ReadableStream<Uint8Array>({
    start(stream) {
      if (heartbeatMs <= 0) return;
      timer = setInterval(() => {
        if (!closed && !wrote) stream.enqueue(encoder.encode(HEARTBEAT));
        wrote = false;
      }, heartbeatMs);
      timer.unref();
    },
    async pull(stream) {
      try {
        const next = await iterator.next();
        if (closed) return;
        if (next.done) {
          stop();
          stream.close();
        } else {
          wrote = true;
          stream.enqueue(encoder.encode(toText(next.value)));
        }
      } catch (error) {
        stop();
        stream.error(error);
      }
    },
    async cancel() {
      stop();
      controller.abort();
      await iterator.return?.();
    },
  });
  return new Response(body, { status: 200, headers });
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
