import type { Message } from "@skein/core";
import { scriptedModel } from "@skein/core/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sessionHistory } from "../../src/runs/history.ts";
import type { SqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import type { SessionEvent } from "../../src/store/store.ts";
import {
  countingTool,
  Executions,
  eventLog,
  expectValidHistory,
  fileStore,
  gate,
  heldModel,
  newSession,
  runManager,
  T,
  worker,
} from "./support.ts";

const user = (content: string): Message => ({ role: "user", content });
const holdCall = { toolCalls: [{ id: "c1", name: "hold", arguments: {} }] };

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

/** Closes the store as a stopped server leaves it and opens the file again, as the next server does. */
async function restart(): Promise<SqliteStore> {
  await store.close();
  store = files.reopen();
  return store;
}

const follow = async (iterable: AsyncIterable<SessionEvent>) => {
  const seen: string[] = [];
  for await (const event of iterable) seen.push(event.type);
  return seen;
};

describe("graceful shutdown", () => {
  it("lets a tool in flight commit its result, suspends the run, and a restart resumes it", async () => {
    const executions = new Executions();
    const release = gate();
    const first = worker(scriptedModel([holdCall]), {
      tools: [countingTool("hold", executions, { wait: () => release.promise })],
    });
    const manager = runManager(store, [first]);
    const session = (await store.getSession(T, "s1"))!;
    const started = await manager.start({ tenantId: T, session, agent: first, input: [user("go")] });
    const reader = follow(manager.events(started.run));
    await executions.whenStarted("hold");

    const closing = manager.shutdown({ graceMs: 60_000 });
    await expect(
      manager.start({ tenantId: T, session, agent: first, input: [user("x")] }),
    ).rejects.toMatchObject({
      status: 503,
      code: "shutting_down",
    });
    release.open();
    await closing;
    const runId = started.run.id;
    expect(await started.done).toMatchObject({
      status: "interrupted",
      stopReason: "shutdown",
      error: { code: "server_shutdown" },
    });
    expect((await reader).at(-1)).toBe("run-suspended");
    expect(await eventLog(store, runId)).toEqual([
      "run-start",
      "turn-start:1",
      "turn-end:1",
      "tool-call:c1",
      "tool-result:c1",
      "run-suspended",
    ]);

    await restart();
    const model = scriptedModel([{ text: "after restart" }]);
    const second = runManager(store, [worker(model, { tools: [countingTool("hold", executions)] })]);
    const report = await second.recover();
    expect(report.resumed.map((r) => [r.id, r.status, r.stopReason, r.error])).toEqual([
      [runId, "running", undefined, undefined],
    ]);
    expect(await second.wait(report.resumed[0]!)).toMatchObject({
      status: "completed",
      result: { text: "after restart" },
    });
    expect(executions.started).toEqual(["hold"]);
    expect((await eventLog(store, runId)).slice(5)).toEqual([
      "run-suspended",
      "run-resumed:2",
      "turn-start:2",
      "turn-end:2",
      "run-end",
    ]);
    expect(model.requests[0]?.messages.map((m) => m.role)).toEqual(["user", "assistant", "tool"]);
    expectValidHistory(await sessionHistory(store, T, "s1"));
  });

  it("lets a model turn in flight commit, and the tools it asks for run only after the restart", async () => {
    const executions = new Executions();
    const modelCalled = gate();
    const answer = gate();
    const model = heldModel(scriptedModel([holdCall]), () => {
      modelCalled.open();
      return answer.promise;
    });
    const manager = runManager(store, [worker(model, { tools: [countingTool("hold", executions)] })]);
    const agent = worker(model, { tools: [countingTool("hold", executions)] });
    const started = await manager.start({
      tenantId: T,
      session: (await store.getSession(T, "s1"))!,
      agent,
      input: [user("go")],
    });
    await modelCalled.promise;
    const closing = manager.shutdown({ graceMs: 60_000 });
    answer.open();
    await closing;
    expect((await started.done).status).toBe("interrupted");
    expect(executions.started).toEqual([]);
    expect(await eventLog(store, started.run.id)).toEqual([
      "run-start",
      "turn-start:1",
      "turn-end:1",
      "run-suspended",
    ]);

    await restart();
    const next = scriptedModel([{ text: "done" }]);
    const second = runManager(store, [worker(next, { tools: [countingTool("hold", executions)] })]);
    const run = await second.wait((await second.recover()).resumed[0]!);
    expect(run).toMatchObject({ status: "completed", result: { text: "done" } });
    expect(executions.started).toEqual(["hold"]);
    expect((await eventLog(store, started.run.id)).slice(3)).toEqual([
      "run-suspended",
      "run-resumed:1",
      "tool-call:c1",
      "tool-result:c1",
      "turn-start:2",
      "turn-end:2",
      "run-end",
    ]);
    expect(next.requests).toHaveLength(1);
  });

  it("suspends a step that outlasts the grace period where it is; the idempotent tool runs again on restart", async () => {
    const executions = new Executions();
    const never = gate();
    const agent = worker(scriptedModel([holdCall]), {
      tools: [countingTool("hold", executions, { wait: () => never.promise })],
    });
    const manager = runManager(store, [agent]);
    const started = await manager.start({
      tenantId: T,
      session: (await store.getSession(T, "s1"))!,
      agent,
      input: [user("go")],
    });
    await executions.whenStarted("hold");
    await manager.shutdown({ graceMs: 20 });
    expect(await started.done).toMatchObject({ status: "interrupted", stopReason: "shutdown" });
    // The cancelled call committed nothing and left no record: it never finished.
    expect(await eventLog(store, started.run.id)).toEqual([
      "run-start",
      "turn-start:1",
      "turn-end:1",
      "tool-call:c1",
      "run-suspended",
    ]);
    expect(store.db.prepare("SELECT COUNT(*) AS n FROM idempotency_records").get()).toEqual({ n: 0 });

    await restart();
    const second = runManager(store, [
      worker(scriptedModel([{ text: "done" }]), { tools: [countingTool("hold", executions)] }),
    ]);
    const run = await second.wait((await second.recover()).resumed[0]!);
    expect(run.status).toBe("completed");
    expect(executions.started).toEqual(["hold", "hold"]);
    expect(executions.finished).toEqual(["hold"]);
  });

  it("leaves queued runs queued; after the restart they run behind the resumed one", async () => {
    const executions = new Executions();
    const release = gate();
    const agent = worker(scriptedModel([holdCall]), {
      tools: [countingTool("hold", executions, { wait: () => release.promise })],
    });
    const manager = runManager(store, [agent]);
    const session = (await store.getSession(T, "s1"))!;
    const first = await manager.start({ tenantId: T, session, agent, input: [user("one")] });
    await executions.whenStarted("hold");
    const queued = await manager.start({
      tenantId: T,
      session,
      agent,
      input: [user("two")],
      onBusy: "queue",
    });
    const closing = manager.shutdown({ graceMs: 60_000 });
    release.open();
    await closing;
    expect((await queued.done).status).toBe("queued");
    expect((await first.done).status).toBe("interrupted");

    await restart();
    const model = scriptedModel([{ text: "one done" }, { text: "two done" }]);
    const second = runManager(store, [worker(model, { tools: [countingTool("hold", executions)] })]);
    const report = await second.recover();
    expect(report.resumed.map((r) => r.id)).toEqual([first.run.id]);
    expect(report.requeued.map((r) => r.id)).toEqual([queued.run.id]);
    const [one, two] = await Promise.all([second.wait(report.resumed[0]!), second.wait(report.requeued[0]!)]);
    expect([one.status, two.status]).toEqual(["completed", "completed"]);
    expect(model.requests[1]?.messages.map((m) => m.content)).toEqual([
      "one",
      "",
      "hold-result",
      "one done",
      "two",
    ]);
    expect(executions.started).toEqual(["hold"]);
  });
});
