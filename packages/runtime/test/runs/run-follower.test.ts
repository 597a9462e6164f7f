import { scriptedModel } from "@skein/core/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunEventSink } from "../../src/runs/run-follower.ts";
import type { SqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import type { SessionEvent } from "../../src/store/store.ts";
import { countingTool, Executions, fileStore, gate, newSession, runManager, T, worker } from "./support.ts";

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

/** A run of `agent` in session s1, started on a new manager. */
async function startRun(agent: ReturnType<typeof worker>) {
  const manager = runManager(store, [agent]);
  const session = (await store.getSession(T, "s1"))!;
  const started = await manager.start({
    tenantId: T,
    session,
    agent,
    input: [{ role: "user", content: "go" }],
  });
  return { manager, ...started };
}

/** A run that holds in its tool until `release` opens, then answers. */
async function heldRun() {
  const executions = new Executions();
  const release = gate();
  const tools = [countingTool("hold", executions, { wait: () => release.promise })];
  const model = scriptedModel([{ toolCalls: [{ id: "c1", name: "hold", arguments: {} }] }, { text: "done" }]);
  const { manager, run, done } = await startRun(worker(model, { tools }));
  await executions.whenStarted("hold");
  return { manager, run, done, release };
}

/** A sink that records what it gets, answers `more()` to each event, and lets the test await its next call. */
function recordingSink(more: () => boolean) {
  const events: SessionEvent[] = [];
  let finished: { error?: unknown } | undefined;
  let called: (() => void) | undefined;
  const sink: RunEventSink = {
    deliver(event) {
      events.push(event);
      called?.();
      return more();
    },
    finish(error) {
      finished = { error };
      called?.();
    },
  };
  const nextCall = () =>
    new Promise<void>((resolve) => {
      called = resolve;
    });
  return { sink, events, nextCall, finished: () => finished };
}

describe("RunFollower", () => {
  it("pushes exactly the run's events, one per resume() while the sink asks for pauses (backpressure)", async () => {
    const { manager, run, done, release } = await heldRun();
    const rec = recordingSink(() => false);
    const follower = manager.follow(run, 0, rec.sink);
    expect(rec.events).toHaveLength(1); // paused after the first event, although more are committed
    release.open();
    await done;
    expect(rec.events).toHaveLength(1); // the run's later events did not reach a paused sink
    // Reads of the store from here on: the run has left, so its events come from the store, once, not per resume.
    const listEvents = store.listEvents.bind(store);
    let reads = 0;
    store.listEvents = (...args) => {
      reads++;
      return listEvents(...args);
    };
    while (!rec.finished()) {
      const before = rec.events.length;
      const next = rec.nextCall();
      follower.resume();
      await next;
      expect(rec.events.length - before).toBeLessThanOrEqual(1);
    }
    store.listEvents = listEvents;
    expect(rec.events.length).toBeGreaterThan(3);
    expect(reads).toBe(1);
    expect(rec.finished()!.error).toBeUndefined();
    const stored = await store.listEvents(T, "s1", { runId: run.id });
    expect(rec.events.map((e) => e.seq)).toEqual(stored.map((e) => e.seq));
    expect(rec.events.at(-1)!.type).toBe("run-end");
  });

  it("re-attaches after a seq with only the later events, then follows live ones to the end", async () => {
    const { manager, run, done, release } = await heldRun();
    const head = await store.listEvents(T, "s1", { runId: run.id });
    const rec = recordingSink(() => true);
    manager.follow(run, head[1]!.seq, rec.sink);
    const finished = rec.nextCall();
    release.open();
    await done;
    while (!rec.finished()) await rec.nextCall();
    await finished;
    const stored = await store.listEvents(T, "s1", { runId: run.id });
    expect(rec.events.map((e) => e.seq)).toEqual(stored.slice(2).map((e) => e.seq));
  });

  it("stop() takes the reader off the run's feed: it is neither woken nor kept", async () => {
    const { manager, run, done, release } = await heldRun();
    const rec = recordingSink(() => true);
    const follower = manager.follow(run, 0, rec.sink);
    const seen = rec.events.length;
    expect(seen).toBeGreaterThan(0);
    const feed = manager.feedOf(run.id)!;
    expect(feed.waiting).toBe(1); // idle: parked on the feed
    follower.stop();
    expect(feed.waiting).toBe(0);
    release.open();
    await done;
    expect(rec.events).toHaveLength(seen);
    expect(rec.finished()).toBeUndefined();
  });

  it("events(), the pull reader over a follower, gets every event of a long run, live and stored, to the end", async () => {
    const text = "x".repeat(300);
    // 300 deltas: past the pull reader's buffer, so its follower pauses and resumes.
    const { manager, run, done } = await startRun(worker(scriptedModel([{ text }], { chunkSize: 1 })));
    const live: number[] = [];
    for await (const event of manager.events(run)) live.push(event.seq); // read while the run commits
    await done;
    const late: number[] = [];
    for await (const event of manager.events(run)) late.push(event.seq); // the run has left: from the store
    const stored = (await store.listEvents(T, "s1", { runId: run.id })).map((e) => e.seq);
    expect(stored.length).toBeGreaterThan(300);
    expect(live).toEqual(stored);
    expect(late).toEqual(stored);
  });
});
