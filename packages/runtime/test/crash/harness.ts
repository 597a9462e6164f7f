import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import type { SessionEvent } from "../../src/store/store.ts";
import { readSse, type SseEvent } from "../http/harness.ts";

const launcher = fileURLToPath(new URL("./fixtures/launch-server.ts", import.meta.url));

export interface ServerProcess {
  url: string;
  pid: number;
  /** What this start found of the runs the previous process left. */
  recovery: {
    resumed: { id: string }[];
    interrupted: { id: string; error?: { code: string } }[];
    requeued: unknown[];
  };
  /** kill -9, resolved once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (graceful shutdown): `closing` once it stopped listening, `exited` with the exit code. */
  terminate(): { closing: Promise<void>; exited: Promise<number | null> };
}

const children = new Set<ChildProcess>();

/** Starts the server in a child Node process (the launcher fixture) and resolves once it listens. */
export async function spawnServer(env: {
  dataDir: string;
  modelUrl: string;
  signalUrl: string;
}): Promise<ServerProcess> {
  const child = spawn(process.execPath, [launcher], {
    env: { ...process.env, DATA_DIR: env.dataDir, MODEL_URL: env.modelUrl, SIGNAL_URL: env.signalUrl },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  const exited = once(child, "exit");
  void exited.then(() => children.delete(child));
  let stderr = "";
  child.stderr!.on("data", (chunk) => {
    stderr += String(chunk);
  });
  let stdout = "";
  const lineWaiters: { prefix: string; resolve: (line: string) => void }[] = [];
  child.stdout!.on("data", (chunk) => {
    stdout += String(chunk);
    for (const waiter of lineWaiters.splice(0)) {
      const line = stdout.split("\n").find((l) => l.startsWith(waiter.prefix));
      if (line) waiter.resolve(line);
      else lineWaiters.push(waiter);
    }
  });
  const line = (prefix: string) => new Promise<string>((resolve) => lineWaiters.push({ prefix, resolve }));
  const ready = await Promise.race([
    line("READY "),
    exited.then(([code]) => {
      throw new Error(`server exited (${code}) before it was ready:\n${stderr}`);
    }),
  ]);
  const [, url, report] = ready.match(/^READY (\S+) (.*)$/)!;
  return {
    url: url!,
    pid: child.pid!,
    recovery: JSON.parse(report!) as ServerProcess["recovery"],
    kill: async () => {
      child.kill("SIGKILL");
      await exited;
    },
    terminate: () => {
      const closing = line("CLOSING").then(() => undefined);
      child.kill("SIGTERM");
      return { closing, exited: exited.then(([code]) => code as number | null) };
    },
  };
}

/** Kills what a failed test left running. */
export async function killAll(): Promise<void> {
  await Promise.all(
    [...children].map(async (child) => {
      const exited = once(child, "exit");
      child.kill("SIGKILL");
      await exited;
    }),
  );
}

export interface ToolSignal {
  phase: "start" | "finish";
  tool: string;
  call: string;
  pid: number;
}

/**
 * The side channel of the tools in the child: records every start and finish with the process id, and holds the
 * answer to a start report (so the tool cannot finish) for the calls the test holds.
 */
export class SignalServer {
  readonly signals: ToolSignal[] = [];
  url = "";
  private readonly held = new Set<string>();
  private readonly heldResponses = new Map<string, ServerResponse>();
  private readonly waiters: { match: (s: ToolSignal) => boolean; resolve: (s: ToolSignal) => void }[] = [];
  private readonly server = createServer((request, response) => this.handle(request, response));

  async start(): Promise<this> {
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The next start report of this call is not answered: the tool stays in flight until its process dies. */
  hold(call: string): void {
    this.held.add(call);
  }

  /** Answers the held start report of this call: the tool goes on and finishes. */
  release(call: string): void {
    this.heldResponses.get(call)?.end("go on");
    this.heldResponses.delete(call);
  }

  /** Resolves with the first signal (already received or coming) that matches. */
  when(match: (s: ToolSignal) => boolean): Promise<ToolSignal> {
    const seen = this.signals.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  count(phase: ToolSignal["phase"], call: string): number {
    return this.signals.filter((s) => s.phase === phase && s.call === call).length;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    let body = "";
    request.on("data", (chunk) => {
      body += String(chunk);
    });
    request.on("end", () => {
      const signal = JSON.parse(body) as ToolSignal;
      this.signals.push(signal);
      for (const waiter of this.waiters.splice(0)) {
        if (waiter.match(signal)) waiter.resolve(signal);
        else this.waiters.push(waiter);
      }
      if (signal.phase === "start" && this.held.delete(signal.call)) {
        this.heldResponses.set(signal.call, response); // answered by `release`, or never
        return;
      }
      response.end("go on");
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, "close");
  }
}

/** Starts a run in the background (async invocation); resolves with its run and session ids. */
export async function invokeAsync(url: string, input: string, sessionId?: string) {
  const response = await fetch(`${url}/v1/agents/worker/invocations`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ input, sessionId, async: true }),
  });
  expect(response.status).toBe(202);
  const body = (await response.json()) as { id: string; sessionId: string };
  return { runId: body.id, sessionId: body.sessionId };
}

/** Runs to the end (JSON invocation) and returns the ended run. */
export async function invoke(url: string, input: string, sessionId?: string) {
  const response = await fetch(`${url}/v1/agents/worker/invocations`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ input, sessionId }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { id: string; sessionId: string; status: string; text: string };
}

/** Follows the run's committed events until `until` matches (or the run ends). */
export async function followRun(url: string, runId: string, until?: (e: SseEvent) => boolean) {
  return readSse(await fetch(`${url}/v1/runs/${runId}/events`), until);
}

/** Waits for the run to end (its event stream ends with it) and returns it as the API shows it. */
export async function runToEnd(url: string, runId: string) {
  await followRun(url, runId);
  return (await (await fetch(`${url}/v1/runs/${runId}`)).json()) as {
    status: string;
    text: string | null;
    error: { code: string; message: string } | null;
    steps: number;
  };
}

/** Reads the database file directly, as it is on disk right now (another connection; WAL allows it). */
export async function storedEvents(dataDir: string, sessionId: string): Promise<SessionEvent[]> {
  const store = openSqliteStore({ path: `${dataDir}/skein.db` });
  try {
    return await store.listEvents("dev", sessionId);
  } finally {
    await store.close();
  }
}

/**
 * The run's log is whole: one run-start first and one end last; turns numbered once each; every tool call of a
 * turn has exactly one result before the next turn; no event twice.
 */
export function expectIntactRunLog(events: SessionEvent[], runId: string, end = "run-end"): void {
  const log = events.filter((e) => e.runId === runId);
  const types = log.map((e) => e.type);
  expect(types[0]).toBe("run-start");
  expect(types.filter((t) => t === "run-start")).toHaveLength(1);
  expect(types.at(-1)).toBe(end);
  expect(types.filter((t) => t === "run-end")).toHaveLength(end === "run-end" ? 1 : 0);
  for (let i = 1; i < log.length; i++) expect(log[i]!.seq).toBeGreaterThan(log[i - 1]!.seq);
  const turnOf = (type: string) =>
    log.filter((e) => e.type === type).map((e) => (e.data as { turn: number }).turn);
  const starts = turnOf("turn-start");
  expect(starts).toEqual([...new Set(starts)].sort((a, b) => a - b));
  const ends = turnOf("turn-end");
  expect(ends).toEqual([...new Set(ends)].sort((a, b) => a - b));
  let pending: Set<string> | undefined;
  const seen = new Set<string>();
  for (const event of log) {
    const data = event.data as { turn?: number; callId?: string; message?: { toolCalls?: { id: string }[] } };
    if (event.type === "turn-start") {
      expect(pending?.size ?? 0).toBe(0);
      pending = undefined;
    }
    if (event.type === "turn-end") pending = new Set((data.message?.toolCalls ?? []).map((c) => c.id));
    if (event.type === "tool-result" || event.type === "tool-error") {
      expect(pending?.delete(data.callId!)).toBe(true);
    }
    const key = JSON.stringify([event.type, event.data]);
    if (event.type !== "text-delta" && event.type !== "reasoning-delta") {
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
  }
}

/** What the first process committed is still there, unchanged, at the start of the log. */
export function expectPrefix(before: SessionEvent[], after: SessionEvent[]): void {
  expect(after.slice(0, before.length)).toEqual(before);
}
