/**
 * TEST DOUBLE: a real `node:http` server on 127.0.0.1 (ephemeral port) that speaks Chat Completions the way
 * DashScope / OpenAI do, replaying a queue of scripted responses, one per chat request.
 *
 *   const server = await startMockOpenAIServer({ responses: [
 *     { type: "text", text: "Hello", reasoning: "Greet them." },
 *     { type: "tool-calls", calls: [{ name: "get_price", arguments: { ticker: "BABA" } }] },
 *     { type: "error", status: 429, headers: { "retry-after": "2" } },
 *     mockResponseFromFile("../shared/fixtures/qwen/stream-tool-call.sse"),
 *   ]});
 *   const model = openaiCompatible({ baseURL: server.url, model: "qwen3-max" });   // server.url ends in /v1
 *   ... server.requests[0].body ...   // every request body, parsed
 *   await server.close();             // also ends stalled responses
 *
 * Responses (each may also set `firstTokenDelayMs` / `interTokenDelayMs`, overriding the server's; default 0):
 *   text        `text`, optional `reasoning` (reasoning_content first), `chunkSize` chars per chunk (default 4)
 *   long-text   `chunks` deltas of `chunkText` (default "lorem ") for long streams and benchmarks
 *   tool-calls  `calls` (parallel when several; arguments split every `chunkSize` chars), optional text/reasoning
 *   error       `status`, `body` (default: OpenAI error envelope with request_id), `headers` (e.g. retry-after)
 *   sse         a raw SSE body (a fixture file), written one event at a time
 *   json        a raw JSON body with `status` (default 200)
 *   drop        streams `text`, then destroys the connection mid-stream
 *   malformed   streams `text`, then a chunk that is not valid JSON
 *   stall       streams `text` (`""`: headers only; `beforeHeaders`: not even headers), then sends nothing until
 *               the client aborts or the server closes
 * drop / malformed / stall stream `text` (default "partial ") after the role chunk, without finishing the turn.
 * text / long-text / tool-calls take `usage` ({ prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens })
 * and `finishReason`; the usage chunk (`choices: []`) is sent when the request asks `stream_options.include_usage`.
 * Requests with `stream: false` get one `chat.completion` JSON body. `GET /v1/models` lists `models`.
 * When the queue is empty, `fallback` answers (default: a 500 saying no scripted response is left).
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import {
  completionBody,
  errorEnvelope,
  type MockToolCall,
  type MockUsage,
  sseFrame,
  streamPayloads,
  type TurnContent,
  type WireContext,
} from "./openai-wire.ts";

export type { MockToolCall, MockUsage } from "./openai-wire.ts";

interface Timing {
  firstTokenDelayMs?: number;
  interTokenDelayMs?: number;
}
interface TurnOptions extends Timing {
  chunkSize?: number;
  usage?: MockUsage;
  finishReason?: string;
}

export type MockResponse =
  | (TurnOptions & { type: "text"; text: string; reasoning?: string })
  | (TurnOptions & { type: "long-text"; chunks: number; chunkText?: string })
  | (TurnOptions & { type: "tool-calls"; calls: MockToolCall[]; text?: string; reasoning?: string })
  | (Timing & { type: "error"; status: number; body?: unknown; headers?: Record<string, string> })
  | (Timing & { type: "sse"; body: string })
  | (Timing & { type: "json"; body: unknown; status?: number })
  | (Timing & { type: "drop"; text?: string })
  | (Timing & { type: "malformed"; text?: string })
  | (Timing & { type: "stall"; text?: string; beforeHeaders?: boolean });

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON (the raw text when it was not JSON). */
  body: any;
}

export type MockStep = MockResponse | ((request: RecordedRequest) => MockResponse);

export interface MockOpenAIServerOptions extends Timing {
  responses?: MockStep[];
  fallback?: MockStep;
  /** `model` of the chunks when the request names none (default `qwen3-max`). */
  model?: string;
  models?: string[];
}

export interface MockOpenAIServer {
  /** Base URL ending in `/v1`, ready for `openaiCompatible({ baseURL })`. */
  url: string;
  requests: RecordedRequest[];
  enqueue(...steps: MockStep[]): void;
  /** Scripted responses not yet played. */
  readonly remaining: number;
  close(): Promise<void>;
}

/** Loads a wire fixture: `*.sse` → raw SSE; `{status, headers?, body}` → error; other JSON → JSON body. */
export function mockResponseFromFile(path: string): MockResponse {
  const text = readFileSync(path, "utf8");
  if (path.endsWith(".sse")) return { type: "sse", body: text };
  const parsed = JSON.parse(text);
  if (typeof parsed?.status === "number" && "body" in parsed) {
    return { type: "error", status: parsed.status, headers: parsed.headers, body: parsed.body };
  }
  return { type: "json", body: parsed };
}

export async function startMockOpenAIServer(
  options: MockOpenAIServerOptions = {},
): Promise<MockOpenAIServer> {
  const queue: MockStep[] = [...(options.responses ?? [])];
  const requests: RecordedRequest[] = [];
  const defaultModel = options.model ?? "qwen3-max";

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = (req.url ?? "/").split("?")[0]!;
    if (req.method === "GET" && path.endsWith("/models")) {
      const data = (options.models ?? [defaultModel]).map((id) => ({
        id,
        object: "model",
        created: 1_700_000_000,
        owned_by: "mock",
      }));
      return sendJson(res, 200, { object: "list", data });
    }
    if (req.method !== "POST" || !path.endsWith("/chat/completions")) {
      return sendJson(res, 404, errorEnvelope(404, randomUUID()));
    }
    let body: any = raw;
    try {
      body = JSON.parse(raw);
    } catch {}
    const recorded: RecordedRequest = { method: req.method, path, headers: req.headers, body };
    requests.push(recorded);
    const step = queue.shift() ?? options.fallback;
    const response: MockResponse = step
      ? typeof step === "function"
        ? step(recorded)
        : step
      : {
          type: "error",
          status: 500,
          body: { error: { message: "mock server: no scripted response left" } },
        };
    const ctx: WireContext = {
      id: `chatcmpl-${randomUUID()}`,
      model: typeof body?.model === "string" ? body.model : defaultModel,
      created: Math.floor(Date.now() / 1000),
      promptChars: JSON.stringify(body?.messages ?? "").length,
    };
    await respond(res, response, ctx, body?.stream === true, body?.stream_options?.include_usage === true);
  }

  async function respond(
    res: ServerResponse,
    response: MockResponse,
    ctx: WireContext,
    streaming: boolean,
    includeUsage: boolean,
  ): Promise<void> {
    const first = response.firstTokenDelayMs ?? options.firstTokenDelayMs ?? 0;
    const gap = response.interTokenDelayMs ?? options.interTokenDelayMs ?? 0;
    switch (response.type) {
      case "error":
        if (first > 0) await sleep(first);
        return sendJson(
          res,
          response.status,
          response.body ?? errorEnvelope(response.status, ctx.id),
          response.headers,
        );
      case "json":
        if (first > 0) await sleep(first);
        return sendJson(res, response.status ?? 200, response.body);
      case "sse": {
        const frames = response.body.split(/(?<=\n\n)/).filter((f) => f.length > 0);
        return writeStream(res, ctx, frames, first, gap);
      }
      case "stall":
        if (response.beforeHeaders) return untilClosed(res);
        await writeStream(res, ctx, textFrames(ctx, response.text), first, gap, false);
        return untilClosed(res);
      case "drop":
        await writeStream(res, ctx, textFrames(ctx, response.text), first, gap, false);
        // Close the socket after what was written is flushed, without the chunked body's terminator.
        res.socket?.end();
        return;
      case "malformed": {
        const frames = [
          ...textFrames(ctx, response.text),
          'data: {"choices":[{"delta":{"content":"unterminated\n\n',
        ];
        return writeStream(res, ctx, frames, first, gap);
      }
      default: {
        const turn = toTurn(response);
        if (!streaming) {
          if (first > 0) await sleep(first);
          return sendJson(res, 200, completionBody(ctx, turn));
        }
        return writeStream(res, ctx, mapFrames(streamPayloads(ctx, turn, includeUsage)), first, gap);
      }
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...steps) => queue.push(...steps),
    get remaining() {
      return queue.length;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function toTurn(response: MockResponse): TurnContent {
  const { usage, finishReason, chunkSize } = response as TurnOptions;
  if (response.type === "text") {
    return { text: response.text, reasoning: response.reasoning, usage, finishReason, chunkSize };
  }
  if (response.type === "long-text") {
    const piece = response.chunkText ?? "lorem ";
    return { text: piece.repeat(response.chunks), usage, finishReason, chunkSize: piece.length };
  }
  if (response.type === "tool-calls") {
    const { calls: toolCalls, text, reasoning } = response;
    return { toolCalls, text, reasoning, usage, finishReason, chunkSize };
  }
  throw new Error(`mock server: ${response.type} is not a model turn`);
}

function* mapFrames(payloads: Iterable<unknown>): Generator<string> {
  for (const payload of payloads) yield sseFrame(payload);
}

/** The role chunk and `text` as content chunks, no finish: the start of a turn that then goes wrong. */
function textFrames(ctx: WireContext, text = "partial "): string[] {
  const frames: string[] = [];
  if (text === "") return frames; // headers only
  for (const payload of streamPayloads(ctx, { text }, false)) {
    if ((payload as any)?.choices?.[0]?.finish_reason) break;
    frames.push(sseFrame(payload));
  }
  return frames;
}

async function writeStream(
  res: ServerResponse,
  ctx: WireContext,
  frames: Iterable<string>,
  firstDelayMs: number,
  gapMs: number,
  end = true,
): Promise<void> {
  res.writeHead(200, {
    "content-type": "text/event-stream;charset=UTF-8",
    "cache-control": "no-cache",
    "x-request-id": ctx.id,
  });
  res.flushHeaders();
  let first = true;
  for (const frame of frames) {
    const delay = first ? firstDelayMs : gapMs;
    first = false;
    if (delay > 0) await sleep(delay);
    if (res.destroyed) return;
    res.write(frame);
  }
  if (end && !res.destroyed) res.end();
}

function untilClosed(res: ServerResponse): Promise<void> {
  if (res.destroyed) return Promise.resolve();
  return new Promise((resolve) => res.once("close", () => resolve()));
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
