import { ModelError, ModelNetworkError, ModelResponseError } from "../../errors/errors.ts";
import { type BatchingModel, eventBatches, flattenBatches } from "../../model/event-batches.ts";
import type { Model, ModelEvent, ModelInfo, ModelRequest } from "../../model/model.ts";
import { Deadline } from "./deadline.ts";
import { errorFromResponse, parseErrorBody, parseRetryAfter } from "./http-errors.ts";
import { CallAbort, createTransport, type Transport, type WireResponse } from "./http-transport.ts";
import { buildRequestBody } from "./request-body.ts";
import { SseParser } from "./sse-parser.ts";
import { ChatStreamAssembler } from "./stream-assembler.ts";

export interface OpenAICompatibleTimeouts {
  /** Until the response headers arrive (connect, TLS, request upload, server queueing). */
  connectMs?: number;
  /** From the headers to the first byte of the body. */
  firstByteMs?: number;
  /** Longest silence between two body chunks. */
  idleMs?: number;
}

/** Longest wait for the end of the body after `[DONE]` before the connection is dropped instead of reused. */
const DRAIN_MS = 2000;

export const defaultTimeouts: Required<OpenAICompatibleTimeouts> = {
  connectMs: 30_000,
  firstByteMs: 60_000,
  idleMs: 60_000,
};

export interface OpenAICompatibleOptions {
  /** e.g. `https://dashscope-intl.aliyuncs.com/compatible-mode/v1`; `/chat/completions` is appended. */
  baseURL: string;
  /** Sent as `Authorization: Bearer`. A function is read on every call (rotating keys, late env). */
  apiKey?: string | (() => string | undefined);
  model: string;
  /** Reported as `Model.provider` and on errors (default `openai-compatible`). */
  provider?: string;
  headers?: Record<string, string>;
  info?: ModelInfo;
  timeouts?: OpenAICompatibleTimeouts;
  /**
   * Sends the requests with this `fetch`. Default: on Node, `node:http(s)` with Node's keep-alive agents (several
   * times cheaper per request than Node's `fetch`); elsewhere the global `fetch`. Pass `globalThis.fetch` to use
   * Node's `fetch` (e.g. to have it instrumented or intercepted as such).
   */
  fetch?: typeof globalThis.fetch;
  /** Provider-level body fields placed under each request's own fields (e.g. `{ enable_thinking: true }`). */
  body?: Record<string, unknown>;
}

/**
 * A Model over an OpenAI-compatible Chat Completions endpoint, streamed with SSE. It maps HTTP failures to typed
 * ModelErrors and enforces connect / first-byte / idle deadlines, but never retries: the model-retry plugin
 * decides, so the agent loop can replay a turn cleanly.
 */
export function openaiCompatible(options: OpenAICompatibleOptions): Model {
  const url = `${options.baseURL.replace(/\/+$/, "")}/chat/completions`;
  const provider = options.provider ?? "openai-compatible";
  const timeouts = { ...defaultTimeouts, ...options.timeouts };
  const call: ChatCall = {
    url,
    provider,
    timeouts,
    transport: createTransport(url, options.fetch),
    options,
    // A key read per call (a function) means headers per call; otherwise one object serves every request.
    headers: typeof options.apiKey === "function" ? undefined : requestHeaders(options),
  };
  const model: BatchingModel = {
    id: options.model,
    provider,
    info: options.info,
    stream: (request: ModelRequest, signal?: AbortSignal) =>
      flattenBatches(streamChat(call, request, signal)),
    [eventBatches]: (request: ModelRequest, signal?: AbortSignal) => streamChat(call, request, signal),
  };
  return model;
}

interface ChatCall {
  url: string;
  provider: string;
  timeouts: Required<OpenAICompatibleTimeouts>;
  transport: Transport;
  options: OpenAICompatibleOptions;
  /** The request headers when they never change (never mutated: transports copy what they send). */
  headers: Record<string, string> | undefined;
}

function requestHeaders(options: OpenAICompatibleOptions): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "text/event-stream, application/json",
  };
  const key = typeof options.apiKey === "function" ? options.apiKey() : options.apiKey;
  if (key) headers.authorization = `Bearer ${key}`;
  return { ...headers, ...options.headers };
}

/** One model turn, its events in batches: one per network read (and the last one after the stream ends). */
async function* streamChat(
  call: ChatCall,
  request: ModelRequest,
  signal?: AbortSignal,
): AsyncGenerator<ModelEvent[]> {
  signal?.throwIfAborted();
  const { provider, timeouts } = call;
  const abort = new CallAbort();
  const deadline = new Deadline(abort, provider, call.url);
  const onAbort = signal ? () => abort.abort(signal.reason) : undefined;
  if (onAbort) signal!.addEventListener("abort", onAbort, { once: true });

  let completed = false;
  let bodyDone = false;
  /** The body's async iterator: it lets go of the body by itself at its end; `return()` cancels it. */
  let reader: AsyncIterator<Uint8Array, undefined> | undefined;
  try {
    const body = buildRequestBody(call.options.model, request, call.options.body);
    deadline.arm(timeouts.connectMs, "connect");
    let response: WireResponse;
    try {
      response = await call.transport({
        headers: call.headers ?? requestHeaders(call.options),
        body: JSON.stringify(body),
        abort,
      });
    } catch (error) {
      throw translateError(error, call, signal, deadline);
    }
    deadline.arm(timeouts.firstByteMs, "first-byte");
    const assembler = new ChatStreamAssembler(provider, call.options.info?.pricing);
    let events: ModelEvent[] = [];

    const ok = response.status >= 200 && response.status < 300;
    if (!ok || !response.body || !isEventStream(response)) {
      let text: string;
      try {
        text = response.body ? await readText(response.body) : "";
      } catch (error) {
        throw translateError(error, call, signal, deadline);
      }
      deadline.clear();
      if (!ok) {
        const info = parseErrorBody(text);
        info.requestId ??= response.header("x-request-id") ?? undefined;
        throw errorFromResponse(response.status, info, {
          provider,
          retryAfterMs: parseRetryAfter({ get: (name) => response.header(name) }),
        });
      }
      // A server that ignored `stream: true` and answered with one completion body.
      assembler.acceptCompletion(parseJson(text, provider), events);
      assembler.end(events);
      completed = true;
      yield events;
      return;
    }

    reader = response.body;
    const parser = new SseParser();
    const payloads: string[] = [];
    let sawBody = false;
    let done = false;
    while (!done) {
      let result: IteratorResult<Uint8Array, undefined>;
      deadline.wait();
      try {
        result = await reader.next();
      } catch (error) {
        throw translateError(error, call, signal, deadline);
      }
      deadline.pause();
      if (result.done) {
        bodyDone = true;
        parser.end(payloads);
      } else {
        if (!sawBody) {
          sawBody = true;
          deadline.arm(timeouts.idleMs, "idle");
          deadline.pause();
        }
        parser.push(result.value, payloads);
      }
      try {
        for (const payload of payloads) {
          if (payload === "[DONE]") {
            done = true;
            break;
          }
          assembler.acceptChunk(parseJson(payload, provider), events);
        }
      } catch (error) {
        if (events.length > 0) yield events; // the events of the payloads before a bad one still go out first
        throw error;
      }
      payloads.length = 0;
      // After `[DONE]` the events go out with the turn's last ones, at once.
      if (events.length > 0 && !done) {
        yield events;
        events = [];
      }
      if (result.done) break;
    }
    deadline.clear();
    if (!done && assembler.finishReason === undefined) {
      throw new ModelNetworkError(`The stream from ${call.url} ended before the model finished its turn`, {
        provider,
        requestId: assembler.requestId,
      });
    }
    assembler.end(events);
    completed = true;
    yield events;
  } finally {
    if (onAbort) signal!.removeEventListener("abort", onAbort);
    if (completed && reader && !bodyDone) {
      // Past [DONE]: read to the end of the body so the keep-alive connection goes back to the pool, in the
      // background (the turn is complete; the caller need not wait for the server to close its stream).
      void drain(reader, deadline, Math.min(timeouts.idleMs, DRAIN_MS));
    } else {
      deadline.clear();
      // The consumer stopped early or we failed: tear the connection down instead of draining it. A completed
      // turn's body was read to its end and is let go of already (cancelling it would make undici abort the
      // finished fetch on every call).
      if (!completed) {
        abort.abort();
        reader?.return?.().catch(() => {});
      }
    }
  }
}

/**
 * Any failure while waiting on the network: the caller's abort wins, then our own deadline. (A function of the
 * module, not a closure per call.)
 */
function translateError(
  error: unknown,
  call: ChatCall,
  signal: AbortSignal | undefined,
  deadline: Deadline,
): unknown {
  if (signal?.aborted) return signal.reason;
  if (deadline.error) return deadline.error;
  if (error instanceof ModelError) return error;
  const cause = (error as any)?.cause;
  const detail = cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
  return new ModelNetworkError(`Connection to ${call.url} failed: ${detail}`, {
    provider: call.provider,
    cause: error,
  });
}

/** Reads a completed turn's body to its end within `ms`; a server that holds it open longer loses the connection. */
async function drain(
  reader: AsyncIterator<Uint8Array, undefined>,
  deadline: Deadline,
  ms: number,
): Promise<void> {
  deadline.arm(ms, "drain");
  try {
    while (!(await reader.next()).done) {}
    deadline.clear();
  } catch {
    deadline.clear();
    reader.return?.().catch(() => {});
  }
}

function isEventStream(response: WireResponse): boolean {
  const type = response.header("content-type");
  return type === null || !type.includes("application/json");
}

/** A whole (error or non-streamed) body as text. */
async function readText(body: AsyncIterator<Uint8Array, undefined>): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for (let chunk = await body.next(); !chunk.done; chunk = await body.next())
    text += decoder.decode(chunk.value, { stream: true });
  return text + decoder.decode();
}

function parseJson(text: string, provider: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const excerpt = text.length > 200 ? `${text.slice(0, 200)}…` : text;
    throw new ModelResponseError(`The provider sent malformed JSON: ${excerpt}`, { provider, cause: error });
  }
}
