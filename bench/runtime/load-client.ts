/**
 * Load generator, in its own process: keyed `POST /v1/agents/{agent}/invocations` over keep-alive `node:http`
 * connections, answered as JSON or as an SSE stream read to its `run-end`. Commands (see child-process.ts):
 *   load  { mode, concurrency, requests, warmup, maxMs }  closed loop of `concurrency` workers; latencies in ms;
 *   hold  { count, parallel, mode }  opens `count` more SSE streams and keeps them open (each on its own
 *         connection) once each has sent its first event; mode `async` starts runs with no stream instead;
 *   release  closes the held streams.
 */
import http from "node:http";
import { serveCommands } from "./child-process.ts";

export interface LoadClientConfig {
  url: string;
  key: string;
  agent: string;
  input: string;
}

export type InvokeMode = "json" | "sse";

export interface LoadResult {
  /** Latency of each measured invocation: request written → response body ended (ms). */
  latencies: number[];
  wallMs: number;
  errors: number;
  firstError?: string;
}

const config = JSON.parse(process.argv[2]!) as LoadClientConfig;
const target = new URL(`/v1/agents/${config.agent}/invocations`, config.url);

function invoke(agent: http.Agent, mode: InvokeMode): Promise<{ ok: boolean; detail?: string }> {
  const payload = JSON.stringify(
    mode === "sse" ? { input: config.input, stream: true } : { input: config.input },
  );
  return new Promise((resolve) => {
    const request = http.request(
      target,
      {
        method: "POST",
        agent,
        headers: {
          authorization: `Bearer ${config.key}`,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(payload),
          accept: mode === "sse" ? "text/event-stream" : "application/json",
        },
      },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          body += chunk;
        });
        response.on("end", () => {
          const ok =
            response.statusCode === 200 &&
            (mode === "sse" ? body.includes("event: run-end") : body.includes('"status":"completed"'));
          resolve(ok ? { ok } : { ok, detail: `${response.statusCode}: ${body.slice(0, 300)}` });
        });
      },
    );
    request.on("error", (error) => resolve({ ok: false, detail: error.message }));
    request.end(payload);
  });
}

async function load(command: Record<string, unknown>): Promise<LoadResult> {
  const mode = command.mode as InvokeMode;
  const concurrency = Number(command.concurrency);
  const requests = Number(command.requests);
  const maxMs = Number(command.maxMs ?? 60_000);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const loop = async (count: number, record: boolean) => {
    let next = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < count && performance.now() - started < maxMs) {
        next++;
        const t0 = performance.now();
        const result = await invoke(agent, mode);
        if (!result.ok) {
          errors++;
          firstError ??= result.detail;
        } else if (record) latencies.push(performance.now() - t0);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return performance.now() - started;
  };
  await loop(Number(command.warmup ?? 0), false);
  const wallMs = await loop(requests, true);
  agent.destroy();
  return { latencies, wallMs, errors, firstError };
}

/** Streams held open by `hold`, each on its own connection. */
const held: http.ClientRequest[] = [];
const holdAgent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });

/** An SSE stream held open, or (`async`) a run started with `async: true` and no stream: the run's share alone. */
function openStream(mode: "sse" | "async"): Promise<void> {
  const payload = JSON.stringify({
    input: config.input,
    ...(mode === "sse" ? { stream: true } : { async: true }),
  });
  return new Promise((resolve, reject) => {
    const request = http.request(target, {
      method: "POST",
      agent: holdAgent,
      headers: {
        authorization: `Bearer ${config.key}`,
        "content-type": "application/json",
        "content-length": Buffer.byteLength(payload),
        accept: mode === "sse" ? "text/event-stream" : "application/json",
      },
    });
    request.on("response", (response) => {
      if (response.statusCode !== (mode === "sse" ? 200 : 202)) {
        reject(new Error(`stream answered ${response.statusCode}`));
        response.resume();
        return;
      }
      if (mode === "async") {
        response.resume();
        response.on("end", resolve);
        return;
      }
      response.setEncoding("utf8");
      let seen = "";
      const onData = (chunk: string) => {
        seen += chunk;
        if (!seen.includes("\n\n")) return; // the first whole event
        response.off("data", onData);
        response.on("data", () => {}); // later events (heartbeats) are read and dropped
        resolve();
      };
      response.on("data", onData);
    });
    request.on("error", reject);
    request.end(payload);
    if (mode === "sse") held.push(request);
  });
}

let started = 0;

async function hold(command: Record<string, unknown>): Promise<{ open: number }> {
  const count = Number(command.count);
  const mode = command.mode === "async" ? "async" : "sse";
  const parallel = Number(command.parallel ?? 50);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      await openStream(mode);
      started++;
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return { open: started };
}

serveCommands({ pid: process.pid }, async (command) => {
  switch (command.cmd) {
    case "load":
      return load(command);
    case "hold":
      return hold(command);
    case "release":
      for (const request of held.splice(0)) request.destroy();
      return { open: 0 };
    default:
      throw new Error(`unknown command ${String(command.cmd)}`);
  }
});
