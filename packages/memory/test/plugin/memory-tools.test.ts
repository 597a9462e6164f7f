import { Agent, type ModelRequest } from "@skein/core";
import { scriptedModel } from "@skein/core/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MemoryExtractor } from "../../src/extraction/extractor.ts";
import { semanticFacts } from "../../src/extraction/strategies.ts";
import { vectorIndexFor } from "../../src/memory/memory.ts";
import { memoryPlugin } from "../../src/plugin/memory-plugin.ts";
import { openSqliteMemoryStore, type SqliteMemoryStore } from "../../src/sqlite/sqlite-memory-store.ts";
import { actorNamespace, kindNamespace } from "../../src/store/namespace.ts";
import { hashedEmbedder } from "../../src/testing/hashed-embedder.ts";
import { gatedModel, memories } from "../extraction/helpers.ts";

const TENANT = "acme";
const U1 = actorNamespace(TENANT, "u1");
const U2 = actorNamespace(TENANT, "u2");
const scope = {
  tenantId: TENANT,
  namespace: (ctx: { sessionId?: string }) => (ctx.sessionId === "s-u2" ? U2 : U1),
};
const embedder = hashedEmbedder({ dimensions: 64 });

let store: SqliteMemoryStore;
beforeEach(() => {
  store = openSqliteMemoryStore({ path: ":memory:", vectors: vectorIndexFor(embedder) });
});
afterEach(() => store.close());

/** The parsed content of the last tool result the model was sent. */
const lastToolResult = (request: ModelRequest): any => {
  const message = request.messages.at(-1)!;
  if (message.role !== "tool") throw new Error(`expected a tool result, got ${message.role}`);
  return JSON.parse(message.content);
};

describe("memory tools in a scripted agent run", () => {
  it("remember, recall and forget, all within the actor's namespace", async () => {
    const plugin = memoryPlugin({ store, embedder, ...scope });
    const other = await plugin.memory.remember(TENANT, {
      namespace: kindNamespace(U2, "fact"),
      kind: "fact",
      text: "u2's cat is named Pixel",
    });
    const model = scriptedModel([
      {
        toolCalls: [{ name: "remember", arguments: { text: "The user's cat is named Miso", kind: "fact" } }],
      },
      { toolCalls: [{ name: "recall", arguments: { query: "cat name" } }] },
      (request) => {
        const recalled = lastToolResult(request);
        return { toolCalls: [{ name: "forget", arguments: { id: recalled.records[0].id } }] };
      },
      { toolCalls: [{ name: "forget", arguments: { id: other.id } }] },
      { text: "Done." },
    ]);
    const agent = new Agent({ name: "a", model, plugins: [plugin] });
    const result = await agent.run("Remember my cat Miso, then forget it.", { sessionId: "s-u1" });
    expect(result.stopReason).toBe("done");

    const saved = lastToolResult(model.requests[1]!);
    expect(saved).toMatchObject({ kind: "fact", saved: true });
    const recalled = lastToolResult(model.requests[2]!);
    expect(recalled.mode).toBe("hybrid");
    expect(recalled.records.map((r: { text: string }) => r.text)).toEqual(["The user's cat is named Miso"]);
    expect(recalled.records[0].id).toBe(saved.id);
    expect(lastToolResult(model.requests[3]!)).toEqual({ deleted: 1 });
    expect(lastToolResult(model.requests[4]!)).toMatchObject({ deleted: 0 });

    expect(await store.get(TENANT, saved.id)).toBeUndefined();
    expect(await store.get(TENANT, other.id)).toBeDefined();
  });

  it("remember records provenance and the actor's kind namespace", async () => {
    const plugin = memoryPlugin({ store, ...scope });
    const model = scriptedModel([
      {
        toolCalls: [
          { id: "call-1", name: "remember", arguments: { text: "Prefers metric units", kind: "preference" } },
        ],
      },
      { text: "ok" },
    ]);
    const result = await new Agent({ name: "a", model, plugins: [plugin] }).run("use metric", {
      sessionId: "s-u2",
      runId: "run-9",
    });
    const { records } = await store.list(TENANT);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      namespace: `${U2}/preferences`,
      kind: "preference",
      provenance: { sessionId: "s-u2", runId: "run-9", eventIds: ["call-1"], source: "tool" },
    });
    expect(result.text).toBe("ok");
  });

  it("remember is idempotent per tool call: a replayed call finds its record instead of adding a twin", async () => {
    const plugin = memoryPlugin({ store, ...scope });
    const remember = plugin.tools.find((t) => t.name === "remember")!;
    const ctx = {
      signal: new AbortController().signal,
      runId: "run-1",
      sessionId: "s-u1",
      toolCallId: "call-7",
      agentName: "a",
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    };
    const results: unknown[] = [];
    for (let i = 0; i < 2; i++)
      for await (const event of remember.stream({ text: "Likes jazz" }, ctx))
        if (event.type === "result") results.push(event.content);
    expect(results[0]).toEqual(results[1]);
    expect((await store.list(TENANT)).records).toHaveLength(1);
  });
});

describe("extraction from agent runs", () => {
  it("queues extraction after a session's runs without holding up the run", async () => {
    const extractionModel = gatedModel([memories("The user's cat is named Miso")]);
    const plugin = memoryPlugin({ store, embedder, ...scope });
    const extractor = new MemoryExtractor({
      memory: plugin.memory,
      model: extractionModel,
      strategies: [semanticFacts()],
      everyTurns: 1,
      consolidation: "rule",
    });
    const withExtraction = memoryPlugin({ store, embedder, ...scope, extractor });
    const model = scriptedModel([{ text: "Nice cat!" }]);
    const agent = new Agent({ name: "a", model, plugins: [withExtraction] });
    // The run ends while the extraction model has not answered (it waits at its gate).
    const result = await agent.run("My cat is called Miso.", { sessionId: "s-u1" });
    expect(result.text).toBe("Nice cat!");
    await extractionModel.entered;
    const [job] = await store.listJobs(TENANT);
    expect(job).toMatchObject({ status: "running", sessionId: "s-u1", trigger: "turns", namespace: U1 });
    expect((await store.list(TENANT)).records).toEqual([]);
    extractionModel.release();
    const ended = await extractor.wait(TENANT, job!.id);
    expect(ended.status).toBe("succeeded");
    expect((await store.list(TENANT, { namespacePrefix: U1 })).records.map((r) => r.text)).toEqual([
      "The user's cat is named Miso",
    ]);
  });
});
