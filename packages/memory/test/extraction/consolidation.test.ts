import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EXTRACTION_FORMAT } from "../../src/extraction/candidates.ts";
import { CONSOLIDATION_PROMPT } from "../../src/extraction/consolidate.ts";
import { MemoryExtractor } from "../../src/extraction/extractor.ts";
import {
  episodic,
  SEMANTIC_FACTS_PROMPT,
  semanticFacts,
  sessionSummary,
  userPreferences,
} from "../../src/extraction/strategies.ts";
import type { Memory } from "../../src/memory/memory.ts";
import type { SqliteMemoryStore } from "../../src/sqlite/sqlite-memory-store.ts";
import { kindNamespace } from "../../src/store/namespace.ts";
import { conversation, decide, makeMemory, memories, ROOT, SCOPE, scriptedModel, TENANT } from "./helpers.ts";

let store: SqliteMemoryStore;
let memory: Memory;
beforeEach(() => {
  ({ store, memory } = makeMemory());
});
afterEach(() => store.close());

const FACTS = kindNamespace(ROOT, "fact");
const seed = (text: string, kind = "fact") =>
  memory.remember(TENANT, { namespace: kindNamespace(ROOT, kind), kind, text });
const active = async () =>
  (await memory.list(TENANT, { namespacePrefix: ROOT })).records.map((r) => r.text).sort();

async function runJob(
  model: ReturnType<typeof scriptedModel>,
  strategies = [semanticFacts()],
  consolidation?: "rule",
) {
  const extractor = new MemoryExtractor({ memory, model, strategies, consolidation });
  const job = await extractor.enqueue(SCOPE, {
    messages: conversation,
    eventIds: ["e1", "e2", "e3", "e4"],
    runId: "r1",
  });
  expect(job.status).toBe("queued");
  return extractor.wait(TENANT, job.id);
}

describe("extraction", () => {
  it("extracts new facts with provenance, asking the model with the strategy's prompt and an escaped transcript", async () => {
    const model = scriptedModel([memories("The user lives in Porto", "The user has a beagle named Biscuit")]);
    const job = await runJob(model);
    expect(job).toMatchObject({
      status: "succeeded",
      trigger: "manual",
      strategies: ["semantic"],
      messageCount: 4,
    });
    expect(job.outcome!.created).toHaveLength(2);
    expect(await active()).toEqual(["The user has a beagle named Biscuit", "The user lives in Porto"]);
    const record = await memory.get(TENANT, job.outcome!.created[0]!);
    expect(record).toMatchObject({
      namespace: FACTS,
      kind: "fact",
      provenance: {
        sessionId: "s1",
        runId: "r1",
        eventIds: ["e1", "e2", "e3", "e4"],
        source: "semantic",
        jobId: job.id,
      },
    });
    const request = model.requests[0]!;
    expect(request.system).toBe(`${SEMANTIC_FACTS_PROMPT}\n\n${EXTRACTION_FORMAT}`);
    expect(request.responseFormat).toEqual({ type: "json_object" });
    expect(request.messages[0]!.content).toContain(
      '<message role="user">Great. Please keep answers short &lt;b&gt;and&lt;/b&gt; skip the small talk.</message>',
    );
  });

  it("a duplicate writes nothing and is reported", async () => {
    const existing = await seed("The user lives in Porto");
    const model = scriptedModel([memories("The user lives in Porto."), decide("duplicate", "Porto")]);
    const job = await runJob(model);
    expect(job.outcome).toEqual({ created: [], updated: [], contradicted: [], duplicates: [existing.id] });
    expect(await active()).toEqual(["The user lives in Porto"]);
    const consolidation = model.requests[1]!;
    expect(consolidation.system).toBe(CONSOLIDATION_PROMPT);
    expect(consolidation.messages[0]!.content).toContain("<new>The user lives in Porto.</new>");
  });

  it("an update writes a new version and retires the old one with a link and history", async () => {
    const old = await seed("The user has a dog");
    const model = scriptedModel([
      memories("The user has a beagle named Biscuit"),
      decide("update", "dog", "The user has a beagle dog named Biscuit"),
    ]);
    const job = await runJob(model);
    const { from, to } = job.outcome!.updated[0]!;
    expect(from).toBe(old.id);
    expect(await memory.get(TENANT, to)).toMatchObject({
      text: "The user has a beagle dog named Biscuit",
      supersedes: old.id,
      status: "active",
    });
    expect(await memory.get(TENANT, old.id)).toMatchObject({
      status: "retired",
      retiredReason: "updated",
      supersededBy: to,
    });
    expect((await memory.history(TENANT, old.id)).map((h) => [h.action, h.relatedId, h.jobId])).toEqual([
      ["created", undefined, undefined],
      ["superseded", to, job.id],
    ]);
    expect(await active()).toEqual(["The user has a beagle dog named Biscuit"]);
  });

  it("a contradiction retires the old record and keeps the new one", async () => {
    const old = await seed("The user lives in Lisbon");
    const model = scriptedModel([memories("The user lives in Porto"), decide("contradiction", "Lisbon")]);
    const job = await runJob(model);
    expect(job.outcome!.contradicted).toEqual([{ from: old.id, to: expect.any(String) }]);
    expect(await memory.get(TENANT, old.id)).toMatchObject({
      status: "retired",
      retiredReason: "contradicted",
    });
    expect(await active()).toEqual(["The user lives in Porto"]);
    const hits = await memory.search(TENANT, { text: "Where does the user live?", namespacePrefix: ROOT });
    expect(hits.hits.map((h) => h.record.text)).toEqual(["The user lives in Porto"]);
  });

  it("bad model output fails the job visibly and writes nothing", async () => {
    await seed("The user lives in Lisbon");
    const notJson = await runJob(scriptedModel([{ text: "Sure! The user lives in Porto." }]));
    expect(notJson).toMatchObject({ status: "failed", error: { code: "extraction_output_invalid" } });
    const wrongShape = await runJob(scriptedModel([{ text: JSON.stringify({ memories: [{ fact: "x" }] }) }]));
    expect(wrongShape).toMatchObject({ status: "failed", error: { code: "extraction_output_invalid" } });
    // The first candidate is new, the second's consolidation answer names no shown record: nothing at all is written.
    const halfway = await runJob(
      scriptedModel([
        memories("The user has a beagle", "The user lives in Porto"),
        { text: '{"action":"new"}' },
        { text: '{"action":"update","target":"m9"}' },
      ]),
      [semanticFacts()],
    );
    expect(halfway).toMatchObject({ status: "failed", error: { code: "extraction_output_invalid" } });
    expect(await active()).toEqual(["The user lives in Lisbon"]);
    expect((await store.getJob(TENANT, halfway.id))?.status).toBe("failed");
  });

  it("without a consolidation model, a deterministic rule drops duplicates and never guesses", async () => {
    await seed("The user lives in Porto");
    const model = scriptedModel([memories("the user lives in porto!", "The user lives in Lisbon")]);
    const job = await runJob(model, [semanticFacts()], "rule");
    expect(job.status).toBe("succeeded");
    expect(job.outcome!.duplicates).toHaveLength(1);
    expect(job.outcome!.created).toHaveLength(1);
    expect(model.requests).toHaveLength(1);
    expect(await active()).toEqual(["The user lives in Lisbon", "The user lives in Porto"]);
  });

  it("runs several strategies per job, each with its own model and prompt; summaries replace the session's last", async () => {
    const summaryModel = scriptedModel([
      memories("Moved to Porto; wants short answers."),
      memories("Moved to Porto; asked about parks."),
    ]);
    const main = scriptedModel([
      memories("The user prefers short answers"),
      memories("The user moved to Porto with Biscuit"),
      memories(),
      memories(),
    ]);
    const strategies = [
      userPreferences(),
      sessionSummary({ model: summaryModel, prompt: "Summarise briefly." }),
      episodic(),
    ];
    const extractor = new MemoryExtractor({ memory, model: main, strategies, consolidation: "rule" });
    const first = await extractor.wait(
      TENANT,
      (await extractor.enqueue(SCOPE, { messages: conversation })).id,
    );
    expect(first.status).toBe("succeeded");
    expect(summaryModel.requests[0]!.system).toBe(`Summarise briefly.\n\n${EXTRACTION_FORMAT}`);
    const second = await extractor.wait(
      TENANT,
      (await extractor.enqueue(SCOPE, { messages: conversation }, "session-end")).id,
    );
    expect(second.outcome!.updated).toHaveLength(1);
    const summaries = await memory.list(TENANT, { kinds: ["summary"], status: "any" });
    expect(summaries.records.map((r) => [r.text, r.status])).toEqual([
      ["Moved to Porto; asked about parks.", "active"],
      ["Moved to Porto; wants short answers.", "retired"],
    ]);
    expect((await memory.list(TENANT, { kinds: ["episode"] })).records.map((r) => r.namespace)).toEqual([
      kindNamespace(ROOT, "episode"),
    ]);
    expect((await memory.list(TENANT, { kinds: ["preference"] })).records).toHaveLength(1);
  });
});
