/**
 * Benchmark double of an OpenAI-compatible model server (Chat Completions, streamed and not) on 127.0.0.1,
 * answering with the scripted conversation of `mock-wire.ts`. At zero latency a reply is one cached buffer write.
 *
 * Knobs ride in the base URL, so one server serves every scenario and every framework (see `knobsURL`):
 *   http://127.0.0.1:PORT/k/toolTurns=2,parallel=1,chunks=8,ttftMs=0,itlMs=0/v1
 * Control: GET /__stats (connections, requests and request-body bytes since the last reset), GET /__reset.
 *
 * Run alone: `node bench/mock-server.ts` prints `{"url": ...}` on one line and serves until stdin closes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { CHAT_PATH, errorBody, WireResponder } from "./mock-wire.ts";

export { type Knobs, knobsURL } from "./mock-wire.ts";

export interface ServerStats {
  /** TCP connections accepted: a client that reuses keep-alive connections opens few. */
  connections: number;
  requests: number;
  streamed: number;
  /** Request-body bytes of each request, in arrival order. */
  bodyBytes: number[];
  /** The first request body seen for each turn index (for reading what a framework sends). */
  samples: Record<number, unknown>;
}

export interface MockServer {
  origin: string;
  stats: ServerStats;
  close(): Promise<void>;
}

const emptyStats = (): ServerStats => ({
  connections: 0,
  requests: 0,
  streamed: 0,
  bodyBytes: [],
  samples: {},
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function sendError(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** Starts the server on 127.0.0.1 on an ephemeral port. */
export async function startMockServer(): Promise<MockServer> {
  const stats = emptyStats();
  const responder = new WireResponder();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? "/";
    if (url === "/__stats") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(stats));
      return;
    }
    if (url === "/__reset") {
      Object.assign(stats, emptyStats());
      res.writeHead(204).end();
      return;
    }
    const match = CHAT_PATH.exec(url);
    if (req.method !== "POST" || !match)
      return sendError(res, 404, errorBody(`No route for ${req.method} ${url}`));
    const raw = await readBody(req);
    const reply = responder.reply(match[1], raw);
    if (reply.kind === "error") return sendError(res, reply.status, reply.body);
    stats.requests++;
    stats.bodyBytes.push(raw.length);
    stats.samples[reply.turnIndex] ??= reply.request;
    const { ttftMs, itlMs } = reply.knobs;

    if (reply.kind === "json") {
      if (ttftMs > 0) await sleep(ttftMs);
      res.writeHead(200, { "content-type": "application/json", "x-request-id": "bench" });
      res.end(reply.body);
      return;
    }
    stats.streamed++;
    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      "x-request-id": "bench",
    });
    if (ttftMs > 0) {
      res.flushHeaders();
      await sleep(ttftMs);
    }
    if (itlMs <= 0) {
      res.write(reply.head);
      res.end(reply.tail);
      return;
    }
    for (let i = 0; i < reply.events.length; i++) {
      if (i > 0) await sleep(itlMs);
      if (res.destroyed) return;
      res.write(reply.events[i]);
    }
    res.end(reply.tail);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) sendError(res, 500, errorBody(String(error)));
      else res.destroy();
    });
  });
  server.on("connection", () => {
    stats.connections++;
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("mock server has no TCP address");
  return {
    origin: `http://127.0.0.1:${address.port}`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

if (import.meta.main) {
  const server = await startMockServer();
  process.stdout.write(`${JSON.stringify({ url: server.origin })}\n`);
  process.stdin.resume();
  process.stdin.on("end", () => void server.close().then(() => process.exit(0)));
  process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
}
