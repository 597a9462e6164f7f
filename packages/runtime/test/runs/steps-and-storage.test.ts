import type { Message } from "@skein/core";
import { scriptedModel } from "@skein/core/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { HostedAgent } from "../../src/agents/registry.ts";
import { sessionHistory } from "../../src/runs/history.ts";
import { RunFeed } from "../../src/runs/run-feed.ts";
import type { SqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import type { SessionEvent, Store } from "../../src/store/store.ts";
import {
  countingTool,
  Executions,
  expectValidHistory,
  fileStore,
  newSession,
  runManager,
  T,
  worker,
} from "./support.ts";

const user = (content: string): Message => ({ role: "user", content });

let files: ReturnType<typeof fileStore>;
let store: SqliteStore;
beforeEach(async () => {
  files = fileStore();
  store = files.store;
  await newSession(store);
});
afterEach(async () => {
  await store.close();
  files.cleanup();
});

/** What is committed right now, read synchronously from the database (no await: the loop cannot move meanwhile). */
const committed = (type: string) =>
  (store.db.prepare("SELECT COUNT(*) AS n FROM session_events WHERE type = ?").get(type) as { n: number }).n;
const records = () =>
  (store.db.prepare("SELECT COUNT(*) AS n FROM idempotency_records").get() as { n: number }).n;

describe("every step is committed before the next starts", () => {
  it("commits the model turn before its tools run, and each concurrent tool's result before the next model call", async () => {
    const executions = new Executions();
    const seenByTools: number[] = [];
    const seenByModel: { results: number; records: number }[] = [];
    const check = async () => {
      seenByTools.push(committed("turn-end"));
    };
    const tools = [
      countingTool("alpha", executions, { wait: check }),
      countingTool("beta", executions, { wait: check }),
    ];
    const model = scriptedModel([
      {
        toolCalls: [
          { id: "c1", name: "alpha", arguments: {} },
          { id: "c2", name: "beta", arguments: {} },
        ],
      },
      () => {
        seenByModel.push({ results: committed("tool-result"), records: records() });
        return { text: "done" };
      },
    ]);
    const manager = runManager(store, [worker(model, { tools })]);
    const started = await manager.start({
      tenantId: T,
      session: (await store.getSession(T, "s1"))!,
      agent: worker(model, { tools }),
      input: [user("go")],
    });
    const run = await started.done;
    expect(run).toMatchObject({ status: "completed", lastStep: 4 });
    expect(executions.finished.sort()).toEqual(["alpha", "beta"]);
    expect(seenByTools).toEqual([1, 1]);
    expect(seenByModel).toEqual([{ results: 2, records: 2 }]);
  });
});

describe("storage", () => {
  it("stores each message of a session once: run ends carry no history, the session history grows by each run's part", async () => {
    const executions = new Executions();
    const tools = [countingTool("alpha", executions)];
    const turns = [1, 2, 3].flatMap((i) => [
      { toolCalls: [{ id: `c${i}`, name: "alpha", arguments: {} }] },
      { text: `answer ${i}` },
    ]);
    const model = scriptedModel(turns);
    const agent = worker(model, { tools });
    const manager = runManager(store, [agent]);
    for (const i of [1, 2, 3]) {
      const session = (await store.getSession(T, "s1"))!;
      const started = await manager.start({ tenantId: T, session, agent, input: [user(`question ${i}`)] });
      expect((await started.done).status).toBe("completed");
    }
    const ends = await store.listEvents(T, "s1", { types: ["run-end"] });
    expect(ends).toHaveLength(3);
    for (const end of ends) expect(end.data).not.toHaveProperty("messages");
    const sizes = ends.map((e) => JSON.stringify(e.data).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThan(20); // no history inside: they do not grow

    const rows = store.db.prepare("SELECT COUNT(*) AS n FROM session_history").get() as { n: number };
    const history = await sessionHistory(store, T, "s1");
    expect(rows.n).toBe(12);
    expect(history).toHaveLength(12);
    expectValidHistory(history);
    expect(model.requests.at(-1)?.messages).toEqual(history.slice(0, -1));
  });
});

describe("readers of a live run", () => {
  it("are woken with the new events from memory instead of querying the store for each", async () => {
    let runQueries = 0;
    const counted = new Proxy(store, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop !== "listEvents") return typeof value === "function" ? value.bind(target) : value;
        return (tenantId: string, sessionId: string, query?: { runId?: string }) => {
          if (query?.runId) runQueries++;
          return target.listEvents(tenantId, sessionId, query);
        };
      },
    }) as Store;
    const model = scriptedModel([{ text: "x".repeat(60) }], { chunkSize: 1 });
    const agent = worker(model);
    const manager = runManager(counted, [agent]);
    const started = await manager.start({
      tenantId: T,
      session: (await store.getSession(T, "s1"))!,
      agent,
      input: [user("stream")],
    });
    const read = async () => {
      const seen: SessionEvent[] = [];
      for await (const event of manager.events(started.run)) seen.push(event);
      return seen;
    };
    const readers = await Promise.all([read(), read(), read()]);
    await started.done;
    const stored = await store.listEvents(T, "s1", { runId: started.run.id });
    expect(stored.length).toBeGreaterThan(60);
    for (const seen of readers) expect(seen.map((e) => e.seq)).toEqual(stored.map((e) => e.seq));
    expect(runQueries).toBeLessThanOrEqual(readers.length * 2);

    // A reader that comes after the end reads the store.
    const late: number[] = [];
    for await (const event of manager.events(started.run, stored[10]!.seq)) late.push(event.seq);
    expect(late).toEqual(stored.slice(11).map((e) => e.seq));
  });

  it("keep a bounded tail: events older than it come from the store", () => {
    const feed = new RunFeed(5, 4);
    const event = (seq: number) => ({
      tenantId: T,
      sessionId: "s1",
      seq,
      type: "x",
      data: null,
      createdAt: 0,
    });
    expect(feed.after(5)).toEqual([]);
    expect(feed.after(4)).toBeUndefined();
    feed.push([6, 7, 8].map(event));
    expect(feed.after(6)?.map((e) => e.seq)).toEqual([7, 8]);
    feed.push([9, 10].map(event)); // over capacity: keeps the newest half
    expect(feed.after(7)).toBeUndefined();
    expect(feed.after(8)?.map((e) => e.seq)).toEqual([9, 10]);
    expect(feed.after(10)).toEqual([]);
  });
});

describe("an agent that fails to start", () => {
  it("fails the run like an error in its stream: committed error and end, the session goes on", async () => {
    const broken: HostedAgent = {
      name: "worker",
      description: "throws as soon as it is asked to run",
      model: scriptedModel([]),
      tools: [],
      stream() {
        throw new Error("agent could not start");
      },
    };
    const manager = runManager(store, [broken]);
    const session = (await store.getSession(T, "s1"))!;
    const failed = await (await manager.start({ tenantId: T, session, agent: broken, input: [user("go")] }))
      .done;
    expect(failed).toMatchObject({ status: "failed", error: { message: "agent could not start" } });
    expect((await store.listEvents(T, "s1")).map((e) => e.type)).toEqual(["error", "run-end"]);
    expect(await sessionHistory(store, T, "s1")).toEqual([]); // it never started: nothing of it in the history
    const next = await (
      await manager.start({
        tenantId: T,
        session,
        agent: worker(scriptedModel([{ text: "fine" }])),
        input: [user("again")],
      })
    ).done;
    expect(next).toMatchObject({ status: "completed" });
  });
});
