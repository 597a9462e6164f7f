/**
 * TEST DOUBLE: a real `node:http` server on 127.0.0.1 (ephemeral port) that answers `POST …/embeddings` in the
 * OpenAI embeddings wire format (as OpenAI, DashScope compatible mode, vLLM and Ollama do), with deterministic
 * vectors (`hashedVector` of each input). It honours `dimensions`, records every request, and can be scripted
 * to fail:
 *
 *   const server = await startMockEmbeddingsServer({ defaultDimensions: 1024, maxBatch: 10 });
 *   server.failNext({ status: 429, headers: { "retry-after": "2" } });
 *   const model = openaiCompatibleEmbeddings({ baseURL: server.url, model: "m", dimensions: 1024 });
 *   ... server.requests[0].body ...
 *   await server.close();
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { hashedVector } from "./hashed-embedder.ts";

export interface MockEmbeddingsServerOptions {
  /** Vector size when the request names no `dimensions` (default 64). */
  defaultDimensions?: number;
  /** Answer 400 (DashScope's wording) when a request holds more inputs than this. */
  maxBatch?: number;
  /** Add DashScope's top-level `id` (request id) to responses (default true). */
  requestId?: boolean;
}

export type MockEmbeddingsFailure =
  | { type?: "error"; status: number; body?: unknown; headers?: Record<string, string> }
  /** Sends headers, then nothing until the client gives up or the server closes. */
  | { type: "stall" }
  /** A 200 whose body is the given JSON (a malformed response). */
  | { type: "json"; body: unknown };

export interface RecordedEmbeddingsRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
}

export interface MockEmbeddingsServer {
  /** Base URL ending in `/v1`. */
  readonly url: string;
  /** Base URL ending in `/compatible-mode/v1` (DashScope's path). */
  readonly dashscopeURL: string;
  readonly requests: RecordedEmbeddingsRequest[];
  /** Answers the next request with this failure (queued, one per request). */
  failNext(failure: MockEmbeddingsFailure): void;
  close(): Promise<void>;
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

const errorEnvelope = (message: string, code: string, type = "invalid_request_error") => ({
  error: { message, type, param: null, code },
  request_id: randomUUID(),
});

export async function startMockEmbeddingsServer(
  options: MockEmbeddingsServerOptions = {},
): Promise<MockEmbeddingsServer> {
  const requests: RecordedEmbeddingsRequest[] = [];
  const failures: MockEmbeddingsFailure[] = [];
  const stalled = new Set<ServerResponse>();

  const server = createServer(async (req, res) => {
    const text = await readBody(req);
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    const path = (req.url ?? "").split("?")[0]!;
    requests.push({ path, headers: req.headers, body });
    if (req.method !== "POST" || !path.endsWith("/embeddings"))
      return send(res, 404, errorEnvelope(`No route ${req.method} ${path}`, "not_found"));
    const failure = failures.shift();
    if (failure?.type === "stall") {
      stalled.add(res);
      res.writeHead(200, { "content-type": "application/json" });
      res.flushHeaders();
      return;
    }
    if (failure?.type === "json") return send(res, 200, failure.body);
    if (failure)
      return send(
        res,
        failure.status,
        failure.body ?? errorEnvelope("Scripted failure", "scripted"),
        failure.headers,
      );

    const input: unknown = body?.input;
    const inputs = typeof input === "string" ? [input] : input;
    if (
      !Array.isArray(inputs) ||
      inputs.length === 0 ||
      !inputs.every((s) => typeof s === "string" && s !== "")
    )
      return send(
        res,
        400,
        errorEnvelope("`input` must be a non-empty string or list of non-empty strings", "invalid_parameter"),
      );
    if (options.maxBatch !== undefined && inputs.length > options.maxBatch)
      return send(
        res,
        400,
        errorEnvelope(
          `batch size is invalid, it should not be larger than ${options.maxBatch}.`,
          "InvalidParameter",
        ),
      );
    const dimensions =
      typeof body.dimensions === "number" ? body.dimensions : (options.defaultDimensions ?? 64);
    const tokens = inputs.reduce((sum: number, s: string) => sum + Math.ceil(s.length / 4), 0);
    const response: Record<string, unknown> = {
      object: "list",
      data: inputs.map((s: string, index: number) => ({
        object: "embedding",
        index,
        embedding: hashedVector(s, dimensions),
      })),
      model: String(body.model),
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    };
    if (options.requestId ?? true) response.id = randomUUID();
    send(res, 200, response);
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    dashscopeURL: `http://127.0.0.1:${port}/compatible-mode/v1`,
    requests,
    failNext(failure) {
      failures.push(failure);
    },
    async close() {
      for (const res of stalled) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
