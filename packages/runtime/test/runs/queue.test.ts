import type { Message } from "@skein/core";
import { scriptedModel } from "@skein/core/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseOnBusy } from "../../src/http/routes/invoke.ts";
import type { SqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import type { SessionEvent } from "../../src/store/store.ts";
import { countingTool, Executions, fileStore, gate, newSession, runManager, T, worker } from "./support.ts";

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

/** An agent whose first run holds in its tool until `release` opens; later runs answer right away. */
function heldAgent() {
  const executions = new Executions();
  const release = gate();
  const tools = [countingTool("hold", executions, { wait: () => release.promise })];
  const model = scriptedModel([
    { toolCalls: [{ id: "c1", name: "hold", arguments: {} }] },
    { text: "first done" },
    { text: "second done" },
    { text: "third done" },
  ]);
  return { agent: worker(model, { tools }), model, executions, release };
}

describe("one run at a time per session", () => {
  it("answers 409 session_busy to a second invocation by default", async () => {
    const { agent, executions, release } = heldAgent();
    const manager = runManager(store, [agent]);
    const session = (await store.getSession(T, "s1"))!;
    const first = await manager.start({ tenantId: T, session, agent, input: [user("one")] });
    await executions.whenStarted("hold");
    await expect(manager.start({ tenantId: T, session, agent, input: [user("two")] })).rejects.toMatchObject({
      code: "session_busy",
    });
    await expect(
      manager.start({ tenantId: T, session, agent, input: [user("two")], onBusy: "reject" }),
    ).rejects.toMatchObject({ code: "session_busy" });
    release.open();
    expect((await first.done).status).toBe("completed");
    expect(await store.listRuns(T, { sessionId: "s1" })).toHaveLength(1);
  });

  it("queues invocations with onBusy queue and runs them in order, each on the history before it", async () => {
    const { agent, model, executions, release } = heldAgent();
    const manager = runManager(store, [agent]);
    const session = (await store.getSession(T, "s1"))!;
    const first = await manager.start({ tenantId: T, session, agent, input: [user("one")] });
    await executions.whenStarted("hold");
    const second = await manager.start({
      tenantId: T,
      session,
      agent,
      input: [user("two")],
      onBusy: "queue",
    });
    const third = await manager.start({
      tenantId: T,
      session,
      agent,
      input: [user("three")],
      onBusy: "queue",
    });
    expect([second.run.status, third.run.status]).toEqual(["queued", "queued"]);
    expect(manager.activeCount).toBe(1);
    // A reader of a queued run waits for it to start, then follows it to its end.
    const followed = (async () => {
      const seen: SessionEvent[] = [];
      for await (const event of manager.events(second.run)) seen.push(event);
      return seen;
    })();
    // With others waiting, even a default invocation does not jump the queue.
    await expect(manager.start({ tenantId: T, session, agent, input: [user("x")] })).rejects.toMatchObject({
      code: "session_busy",
    });

    release.open();
    const ended = await Promise.all([first.done, second.done, third.done]);
    expect(ended.map((r) => [r.status, (r.result as { text: string }).text])).toEqual([
      ["completed", "first done"],
      ["completed", "second done"],
      ["completed", "third done"],
    ]);
    expect(model.requests[3]?.messages.map((m) => m.content)).toEqual([
      "one",
      "",
      "hold-result",
      "first done",
      "two",
      "second done",
      "three",
    ]);
    const seen = await followed;
    expect(seen[0]?.type).toBe("run-start");
    expect(seen.at(-1)?.type).toBe("run-end");
    // Runs never interleave in the session log.
    const log = await store.listEvents(T, "s1");
    const order = log.map((e) => e.runId).filter((id, i, all) => id !== all[i - 1]);
    expect(order).toEqual([first.run.id, second.run.id, third.run.id]);
  });

  it("takes a cancelled queued run out of the queue without running it", async () => {
    const { agent, model, executions, release } = heldAgent();
    const manager = runManager(store, [agent]);
    const session = (await store.getSession(T, "s1"))!;
    const first = await manager.start({ tenantId: T, session, agent, input: [user("one")] });
    await executions.whenStarted("hold");
    const second = await manager.start({
      tenantId: T,
      session,
      agent,
      input: [user("two")],
      onBusy: "queue",
    });
    const third = await manager.start({
      tenantId: T,
      session,
      agent,
      input: [user("three")],
      onBusy: "queue",
    });
    expect(await manager.cancel(second.run)).toMatchObject({
      status: "cancelled",
      error: { code: "run_cancelled" },
    });
    release.open();
    expect((await third.done).status).toBe("completed");
    expect((await second.done).status).toBe("cancelled");
    expect(await store.listEvents(T, "s1", { runId: second.run.id })).toEqual([]);
    expect(model.requests[2]?.messages.map((m) => m.content).at(-1)).toBe("three");
    await first.done;
  });

  it("reads onBusy from a request", () => {
    expect(parseOnBusy(undefined)).toBeUndefined();
    expect(parseOnBusy("queue")).toBe("queue");
    expect(parseOnBusy("reject")).toBe("reject");
    expect(() => parseOnBusy("wait")).toThrow(
      expect.objectContaining({ status: 400, code: "invalid_request" }),
    );
  });
});
