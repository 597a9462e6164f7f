import type { Message } from "@skein/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MemoryExtractor } from "../../src/extraction/extractor.ts";
import { semanticFacts } from "../../src/extraction/strategies.ts";
import type { Memory } from "../../src/memory/memory.ts";
import type { SqliteMemoryStore } from "../../src/sqlite/sqlite-memory-store.ts";
import type { ExtractionJob } from "../../src/store/types.ts";
import {
  conversation,
  gatedModel,
  makeMemory,
  memories,
  ROOT,
  SCOPE,
  scriptedModel,
  TENANT,
} from "./helpers.ts";

let store: SqliteMemoryStore;
let memory: Memory;
beforeEach(() => {
  ({ store, memory } = makeMemory());
});
afterEach(() => store.close());

const turn = (n: number): Message[] => [
  { role: "user", content: `message ${n}` },
  { role: "assistant", content: `answer ${n}` },
];
const statuses = async () => (await store.listJobs(TENANT)).map((j) => j.status);

describe("MemoryExtractor", () => {
  it("queues a job every N user turns of a session with only the new messages, and one at session end", async () => {
    const model = scriptedModel([memories("fact one"), memories("fact two")]);
    const extractor = new MemoryExtractor({
      memory,
      model,
      strategies: [semanticFacts()],
      everyTurns: 2,
      consolidation: "rule",
    });
    const history: Message[] = [];
    const jobs: (ExtractionJob | undefined)[] = [];
    for (let n = 1; n <= 3; n++) {
      history.push(...turn(n));
      jobs.push(await extractor.onTurn(SCOPE, [...history], { runId: `run-${n}` }));
    }
    expect(jobs.map((j) => j?.trigger)).toEqual([undefined, "turns", undefined]);
    expect(jobs[1]).toMatchObject({ status: "queued", messageCount: 4, sessionId: "s1" });
    expect(await extractor.onTurn({ ...SCOPE, sessionId: undefined }, history)).toBeUndefined();
    const end = await extractor.endSession(SCOPE);
    expect(end).toMatchObject({ trigger: "session-end", messageCount: 2 });
    await extractor.idle();
    expect(await statuses()).toEqual(["succeeded", "succeeded"]);
    expect(model.requests[0]!.messages[0]!.content).toContain("message 1");
    expect(model.requests[1]!.messages[0]!.content).not.toContain("message 2");
    expect(model.requests[1]!.messages[0]!.content).toContain("message 3");
    expect(await extractor.endSession(SCOPE)).toBeUndefined();
  });

  it("runs jobs in the background with bounded concurrency, observable while they wait and run", async () => {
    const model = gatedModel([memories("a"), memories("b"), memories("c")]);
    const seen: string[] = [];
    const extractor = new MemoryExtractor({
      memory,
      model,
      strategies: [semanticFacts()],
      concurrency: 1,
      consolidation: "rule",
      onJob: (job) => seen.push(`${job.status}`),
    });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await extractor.enqueue(SCOPE, { messages: conversation })).id);
    await model.entered;
    expect((await statuses()).sort()).toEqual(["queued", "queued", "running"]);
    expect(extractor.pending).toBe(3);
    expect(model.calls).toBe(1);
    model.release();
    await extractor.idle();
    expect(await statuses()).toEqual(["succeeded", "succeeded", "succeeded"]);
    expect(seen).toEqual(["queued", "queued", "queued", "succeeded", "succeeded", "succeeded"]);
    expect((await extractor.wait(TENANT, ids[0]!)).status).toBe("succeeded");
  });

  it("fails jobs beyond the queue bound instead of growing without limit", async () => {
    const model = gatedModel([memories("a"), memories("b")]);
    const extractor = new MemoryExtractor({
      memory,
      model,
      strategies: [semanticFacts()],
      maxQueued: 1,
      consolidation: "rule",
    });
    const first = await extractor.enqueue(SCOPE, { messages: conversation });
    await model.entered;
    const second = await extractor.enqueue(SCOPE, { messages: conversation });
    const rejected = await extractor.enqueue(SCOPE, { messages: conversation });
    expect(rejected).toMatchObject({ status: "failed", error: { code: "extraction_queue_full" } });
    model.release();
    await extractor.idle();
    const status = async (id: string) => (await store.getJob(TENANT, id))?.status;
    expect([await status(first.id), await status(second.id), await status(rejected.id)]).toEqual([
      "succeeded",
      "succeeded",
      "failed",
    ]);
  });

  it("close cancels the running job, fails the queued ones and refuses new ones", async () => {
    const model = gatedModel([memories("a")]);
    const extractor = new MemoryExtractor({
      memory,
      model,
      strategies: [semanticFacts()],
      consolidation: "rule",
    });
    await extractor.enqueue(SCOPE, { messages: conversation });
    await extractor.enqueue(SCOPE, { messages: conversation });
    await model.entered;
    await extractor.close();
    const jobs = await store.listJobs(TENANT);
    expect(jobs.map((j) => [j.status, j.error?.code]).sort()).toEqual([
      ["failed", "extraction_cancelled"],
      ["failed", "extractor_closed"],
    ]);
    await expect(extractor.enqueue(SCOPE, { messages: conversation })).rejects.toMatchObject({
      code: "extractor_closed",
    });
    expect((await memory.list(TENANT)).records).toEqual([]);
  });

  it("a job whose actor was deleted while it ran writes nothing back", async () => {
    const model = gatedModel([memories("The user lives in Porto")]);
    const extractor = new MemoryExtractor({
      memory,
      model,
      strategies: [semanticFacts()],
      consolidation: "rule",
    });
    const job = await extractor.enqueue(SCOPE, { messages: conversation });
    await model.entered;
    await memory.forgetNamespace(TENANT, ROOT);
    model.release();
    const ended = await extractor.wait(TENANT, job.id);
    expect(ended.status).toBe("failed");
    expect(ended.error?.code).toBe("extraction_job_not_found");
    expect((await memory.list(TENANT, { namespacePrefix: ROOT, status: "any" })).records).toEqual([]);
  });
});
