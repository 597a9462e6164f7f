import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  Agent,
  type AgentEvent,
  type AgentOptions,
  addUsage,
  emptyUsage,
  type Model,
  type ModelEvent,
  tool,
} from "@skein/core";
import { pino } from "pino";
import { AgentRegistry, type HostedAgent } from "../../src/agents/registry.ts";
import { RunManager } from "../../src/runs/run-manager.ts";
import { defaultSessionLimits } from "../../src/sessions/session-limits.ts";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import type { Store } from "../../src/store/store.ts";

export { expectValidHistory } from "../../../core/test/support/history.ts";

export const silent = pino({ level: "silent" });
export const T = "tenant-a";

/** A store on a fresh file (WAL), as a server opens it; `reopen` opens the same file again (a restart). */
export function fileStore(): { store: SqliteStore; file: string; reopen(): SqliteStore; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), "skein-runs-"));
  const file = path.join(dir, "skein.db");
  return {
    store: openSqliteStore({ path: file }),
    file,
    reopen: () => openSqliteStore({ path: file }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function runManager(store: Store, agents: HostedAgent[]): RunManager {
  return new RunManager({
    store,
    agents: new AgentRegistry(agents),
    logger: silent,
    limits: defaultSessionLimits,
  });
}

export async function newSession(store: Store, id = "s1", agent = "worker") {
  await store.ensureTenant({ id: T });
  return store.createSession({ tenantId: T, id, agent, expiresAt: Date.now() + 3_600_000 });
}

/** A promise the test opens by hand. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Counts how often each tool call started and finished (the side channel of "executed exactly once"). */
export class Executions {
  readonly started: string[] = [];
  readonly finished: string[] = [];
  private readonly waiters: { name: string; resolve: () => void }[] = [];
  start(name: string): void {
    this.started.push(name);
    for (const waiter of this.waiters.splice(0)) {
      if (waiter.name === name) waiter.resolve();
      else this.waiters.push(waiter);
    }
  }
  /** Resolves when the tool `name` starts (now or later). */
  whenStarted(name: string): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ name, resolve }));
  }
  count(list: "started" | "finished", name: string): number {
    return this[list].filter((n) => n === name).length;
  }
}

/** A tool that returns `${name}-result` once `wait` resolves, recording its executions; honours cancellation. */
export function countingTool(
  name: string,
  executions: Executions,
  options: { wait?: () => Promise<void>; idempotent?: boolean } = {},
) {
  return tool({
    name,
    description: `records that ${name} ran`,
    input: { type: "object", properties: {}, additionalProperties: false },
    idempotent: options.idempotent,
    run: async (_input, ctx) => {
      executions.start(name);
      if (options.wait) {
        await Promise.race([
          options.wait(),
          new Promise((_, reject) =>
            ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason), { once: true }),
          ),
        ]);
      }
      executions.finished.push(name);
      return `${name}-result`;
    },
  });
}

export function worker(model: Model | undefined, extra: Partial<AgentOptions> = {}): Agent {
  return new Agent({ name: "worker", instructions: "Work.", model, retry: false, ...extra });
}

/** TEST DOUBLE (model boundary): holds each call until `hold()` resolves, then answers as `inner`. */
export function heldModel(inner: Model, hold: () => Promise<void>): Model {
  return {
    id: inner.id,
    provider: inner.provider,
    async *stream(request, signal): AsyncGenerator<ModelEvent> {
      await hold();
      yield* inner.stream(request, signal);
    },
  };
}

/** Writes what a process killed mid-run leaves: a running run with these committed events. */
export async function crashedRun(store: Store, runId: string, events: AgentEvent[], agent = "worker") {
  await store.createRun({ tenantId: T, sessionId: "s1", id: runId, agent, status: "running" });
  await store.appendEvents(
    T,
    "s1",
    events.map((data) => ({ type: data.type, runId, data })),
    {
      runId,
      steps: events.filter((e) => e.type === "turn-end" || e.type === "tool-result").length,
      usage: events.reduce((sum, e) => (e.type === "turn-end" ? addUsage(sum, e.usage) : sum), emptyUsage()),
    },
  );
}

/** The run's stored events as `type` or `type:callId` / `type:turn`, to compare logs without timing noise. */
export async function eventLog(store: Store, runId: string, sessionId = "s1"): Promise<string[]> {
  const events = await store.listEvents(T, sessionId, { runId });
  return events
    .filter((e) => e.type !== "text-delta" && e.type !== "reasoning-delta")
    .map((e) => {
      const d = e.data as { callId?: string; call?: { id: string }; turn?: number };
      const tag = d.callId ?? d.call?.id ?? d.turn;
      return tag === undefined ? e.type : `${e.type}:${tag}`;
    });
}
