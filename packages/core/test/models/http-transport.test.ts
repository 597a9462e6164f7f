// The OpenAI-compatible adapter's transport: `node:http` by default on Node, the given `fetch` otherwise. Both must
// behave alike: keep-alive reuse after a finished turn, teardown of an abandoned one, compressed bodies, errors.
import { spawnSync } from "node:child_process";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { ModelRateLimitError } from "../../src/errors/errors.ts";
import { openaiCompatible } from "../../src/models/openai-compatible/openai-compatible.ts";
import { collect, user } from "./helpers.ts";

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: "c1", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const answer = (text: string) =>
  `${chunk({ role: "assistant", content: text })}${chunk({}, "stop")}data: [DONE]\n\n`;

interface TestServer {
  url: string;
  connections: number;
  requests: IncomingMessage[];
  /** Bytes of each request's body as received. */
  bodyBytes: number[];
  closed: Promise<void>[];
}

/** A real HTTP server on loopback answering each request with `handle`; counts connections and their closes. */
async function serve(
  handle: (req: IncomingMessage, res: ServerResponse, n: number) => void,
): Promise<TestServer> {
  const state: TestServer = { url: "", connections: 0, requests: [], bodyBytes: [], closed: [] };
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    state.requests.push(req);
    const index = state.bodyBytes.push(0) - 1;
    req.on("data", (part: Buffer) => {
      state.bodyBytes[index]! += part.length;
    });
    req.on("end", () => handle(req, res, state.requests.length));
  });
  server.on("connection", (socket) => {
    state.connections++;
    sockets.add(socket);
    state.closed.push(new Promise((resolve) => socket.on("close", () => resolve())));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return state;
}

const sse = (res: ServerResponse, extra: Record<string, string> = {}) =>
  res.writeHead(200, { "content-type": "text/event-stream", ...extra });

const textOf = (events: { type: string; text?: string }[]) =>
  events
    .filter((e) => e.type === "text-delta")
    .map((e) => e.text)
    .join("");

describe("the default transport (node:http on Node)", () => {
  it("reuses one keep-alive connection for consecutive turns", async () => {
    const server = await serve((_req, res, n) => {
      sse(res);
      res.end(answer(`turn ${n}`));
    });
    const model = openaiCompatible({ baseURL: server.url, model: "m", apiKey: "k" });
    expect(textOf(await collect(model.stream(user("a"))))).toBe("turn 1");
    expect(textOf(await collect(model.stream(user("b"))))).toBe("turn 2");
    expect(textOf(await collect(model.stream(user("c"))))).toBe("turn 3");
    expect(server.connections).toBe(1);
    const first = server.requests[0]!;
    expect(first.method).toBe("POST");
    expect(first.url).toBe("/v1/chat/completions");
    expect(first.headers.authorization).toBe("Bearer k");
    expect(first.headers["content-type"]).toBe("application/json");
    expect(Number(first.headers["content-length"])).toBeGreaterThan(0);
  });

  it("sends each body with its own content-length and the model's fixed headers on every call", async () => {
    const server = await serve((_req, res) => {
      sse(res);
      res.end(answer("ok"));
    });
    const model = openaiCompatible({
      baseURL: server.url,
      model: "m",
      apiKey: "k",
      headers: { "x-trace": "t" },
    });
    await collect(model.stream(user("short")));
    await collect(
      model.stream(user("a much longer message than the first one, so the bodies differ in size")),
    );
    const [first, second] = server.bodyBytes;
    expect(second).toBeGreaterThan(first!);
    expect(server.requests.map((r) => Number(r.headers["content-length"]))).toEqual([first, second]);
    expect(server.requests.map((r) => [r.headers.authorization, r.headers["x-trace"]])).toEqual([
      ["Bearer k", "t"],
      ["Bearer k", "t"],
    ]);
  });

  it("tears the connection down when the consumer stops mid-stream", async () => {
    const server = await serve((_req, res) => {
      sse(res);
      res.write(chunk({ role: "assistant", content: "first" }));
      // never ends: only the client can end this exchange
    });
    const model = openaiCompatible({ baseURL: server.url, model: "m" });
    for await (const event of model.stream(user("hi"))) if (event.type === "text-delta") break;
    await server.closed[0]; // resolves only when the client destroys its socket
    expect(server.connections).toBe(1);
  });

  it("aborting the caller's signal before the headers destroys the request", async () => {
    const server = await serve(() => {}); // never answers
    const model = openaiCompatible({ baseURL: server.url, model: "m" });
    const controller = new AbortController();
    const reason = new Error("caller gave up");
    const pending = collect(model.stream(user("hi"), controller.signal));
    await new Promise<void>((resolve) => {
      const poll = () => (server.requests.length > 0 ? resolve() : setImmediate(poll));
      poll();
    });
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await server.closed[0];
  });

  it("decompresses a gzip body as fetch would", async () => {
    const server = await serve((_req, res) => {
      sse(res, { "content-encoding": "gzip" });
      res.end(gzipSync(answer("squeezed")));
    });
    const model = openaiCompatible({ baseURL: server.url, model: "m" });
    expect(textOf(await collect(model.stream(user("hi"))))).toBe("squeezed");
  });

  it("maps an error status with its headers to a typed error", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(429, { "content-type": "application/json", "retry-after": "3", "x-request-id": "req-9" });
      res.end(JSON.stringify({ error: { message: "slow down", code: "rate_limit" } }));
    });
    const model = openaiCompatible({ baseURL: server.url, model: "m" });
    const error = await collect(model.stream(user("hi"))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelRateLimitError);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 3000, requestId: "req-9" });
    expect((error as Error).message).toContain("slow down");
  });
});

describe("a given fetch", () => {
  it("sends every request through it", async () => {
    const server = await serve((_req, res) => {
      sse(res);
      res.end(answer("via fetch"));
    });
    const seen: string[] = [];
    const model = openaiCompatible({
      baseURL: server.url,
      model: "m",
      fetch: (input, init) => {
        seen.push(String(input));
        return fetch(input, init);
      },
    });
    expect(textOf(await collect(model.stream(user("hi"))))).toBe("via fetch");
    expect(seen).toEqual([`${server.url}/chat/completions`]);
  });
});

describe("the default transport over TLS (https: node:https)", () => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const repoRoot = path.resolve(here, "../../../..");
  // A self-signed certificate for 127.0.0.1, made for this test only (its key protects nothing).
  const cert = path.join(here, "fixtures/loopback-cert.pem");
  const key = path.join(here, "fixtures/loopback-key.pem");
  /** An HTTPS model server and one streamed call to it, in a fresh Node whose trusted CAs `env` sets. */
  const callOverTls = (env: Record<string, string>) => {
    const script = `
      import { readFileSync } from "node:fs";
      import { createServer } from "node:https";
      import { openaiCompatible } from "@skein/core";
      const sse = ${JSON.stringify(answer("over TLS"))};
      const server = createServer(
        { key: readFileSync(${JSON.stringify(key)}), cert: readFileSync(${JSON.stringify(cert)}) },
        (req, res) => { req.resume(); req.on("end", () => { res.writeHead(200, { "content-type": "text/event-stream" }); res.end(sse); }); },
      );
      await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
      const model = openaiCompatible({ baseURL: "https://127.0.0.1:" + server.address().port + "/v1", model: "m" });
      let text = "";
      let error;
      try {
        for await (const event of model.stream({ messages: [{ role: "user", content: "hi" }] }))
          if (event.type === "text-delta") text += event.text;
      } catch (caught) {
        error = { name: caught.constructor.name, message: caught.message };
      }
      console.log(JSON.stringify({ text, error }));
      server.closeAllConnections();
      server.close();
    `;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: repoRoot,
      encoding: "utf8",
      env: { ...process.env, NODE_OPTIONS: "", NODE_EXTRA_CA_CERTS: "", ...env },
      timeout: 30_000,
    });
    expect(child.status, child.stderr).toBe(0);
    return JSON.parse(child.stdout.trim().split("\n").at(-1)!) as {
      text: string;
      error?: { name: string; message: string };
    };
  };

  it("streams from a server whose certificate the process trusts", () => {
    expect(callOverTls({ NODE_EXTRA_CA_CERTS: cert })).toEqual({ text: "over TLS" });
  });

  it("refuses a certificate the process does not trust, with a typed network error", () => {
    const { text, error } = callOverTls({});
    expect(text).toBe("");
    expect(error?.name).toBe("ModelNetworkError");
    expect(error?.message).toMatch(/certificate/i);
  });
});
