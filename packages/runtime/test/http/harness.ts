import { Writable } from "node:stream";
import { Agent, type AgentOptions, type Model, tool } from "@skein/core";
import { pino } from "pino";
import { createApiKey } from "../../src/keys/api-keys.ts";
import { type RunningServer, type StartServerOptions, startServer } from "../../src/server.ts";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.ts";

/** Log lines the server wrote, parsed (the tests read warnings from here). */
export type LogLine = { level: number; msg: string } & Record<string, unknown>;

export interface TestServer {
  server: RunningServer;
  url: string;
  logs: LogLine[];
  /** API keys of tenants `tenant-a` and `tenant-b`. */
  keyA: string;
  keyB: string;
  /** fetch against the server with tenant A's key unless `key` says otherwise (`null`: no key). */
  call(path: string, init?: RequestInit & { key?: string | null; json?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

/** A real server on an ephemeral 127.0.0.1 port over an in-memory SQLite store, with two tenants' keys. */
export async function startTestServer(
  agents: StartServerOptions["agents"],
  options: Partial<StartServerOptions> = {},
): Promise<TestServer> {
  const logs: LogLine[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line) logs.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  const store = openSqliteStore({ path: ":memory:" });
  const server = await startServer({
    agents,
    port: 0,
    host: "127.0.0.1",
    store,
    logger: pino({ level: "info" }, sink),
    ...options,
  });
  const keyA = (await createApiKey(store, "tenant-a")).key;
  const keyB = (await createApiKey(store, "tenant-b")).key;
  const call: TestServer["call"] = (path, init = {}) => {
    const { key, json, ...rest } = init;
    const headers = new Headers(rest.headers);
    const useKey = key === undefined ? keyA : key;
    if (useKey !== null) headers.set("authorization", `Bearer ${useKey}`);
    if (json !== undefined) headers.set("content-type", "application/json");
    return fetch(`${server.url}${path}`, {
      ...rest,
      headers,
      body: json !== undefined ? JSON.stringify(json) : rest.body,
    });
  };
  return {
    server,
    url: server.url,
    logs,
    keyA,
    keyB,
    call,
    close: async () => {
      await server.close();
      await store.close();
    },
  };
}

export interface SseEvent {
  id: string | undefined;
  event: string | undefined;
  data: any;
}

/**
 * Reads an SSE response. With `until`, stops (and disconnects) after the first event for which it returns true;
 * otherwise reads to the end of the stream.
 */
export async function readSse(response: Response, until?: (event: SseEvent) => boolean): Promise<SseEvent[]> {
  if (!response.body) throw new Error("no body");
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const events: SseEvent[] = [];
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return events;
    buffer += value;
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf("\n\n");
      const fields: Record<string, string> = {};
      for (const line of block.split("\n")) {
        const colon = line.indexOf(":");
        if (colon <= 0) continue;
        fields[line.slice(0, colon)] = line.slice(colon + 1).trimStart();
      }
      if (fields.data === undefined) continue;
      const event = { id: fields.id, event: fields.event, data: JSON.parse(fields.data) };
      events.push(event);
      if (until?.(event)) {
        await reader.cancel();
        return events;
      }
    }
  }
}

/** A promise the test opens by hand. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** A tool that returns only once `wait` resolves (or the run is cancelled): holds a run mid-flight. */
export function gateTool(wait: Promise<void>) {
  return tool({
    name: "wait_for_gate",
    description: "Waits until the test opens the gate.",
    input: { type: "object", properties: {}, additionalProperties: false },
    run: async (_input, ctx) => {
      await Promise.race([
        wait,
        new Promise((_, reject) =>
          ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason), { once: true }),
        ),
      ]);
      return "gate opened";
    },
  });
}

export function makeAgent(name: string, model: Model | undefined, extra: Partial<AgentOptions> = {}): Agent {
  return new Agent({ name, description: `${name} test agent`, instructions: "Be brief.", model, ...extra });
}

export async function problemOf(response: Response) {
  expectProblemContentType(response);
  return (await response.json()) as {
    type: string;
    title: string;
    status: number;
    detail: string;
    code: string;
  } & Record<string, unknown>;
}

function expectProblemContentType(response: Response): void {
  const type = response.headers.get("content-type");
  if (type !== "application/problem+json")
    throw new Error(`expected application/problem+json, got ${type} (status ${response.status})`);
}
