import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openaiCompatibleEmbeddings } from "../../src/embeddings/openai-compatible-embeddings.ts";
import { Memory, vectorIndexFor } from "../../src/memory/memory.ts";
import { openSqliteMemoryStore, type SqliteMemoryStore } from "../../src/sqlite/sqlite-memory-store.ts";
import { hashedEmbedder } from "../../src/testing/hashed-embedder.ts";
import {
  type MockEmbeddingsServer,
  startMockEmbeddingsServer,
} from "../../src/testing/mock-embeddings-server.ts";

const T = "acme";
const NS = "/tenants/acme/actors/u1/facts";
const embedder = hashedEmbedder({ dimensions: 32 });
let store: SqliteMemoryStore;
beforeEach(() => {
  store = openSqliteMemoryStore({ path: ":memory:", vectors: vectorIndexFor(embedder) });
});
afterEach(() => store.close());

describe("Memory", () => {
  it("refuses an embedding model that does not match the store's vectors", async () => {
    expect(() => new Memory({ store, embedder: hashedEmbedder({ dimensions: 16 }) })).toThrow(
      expect.objectContaining({ code: "vector_dimension_mismatch" }),
    );
    expect(() => new Memory({ store, embedder: hashedEmbedder({ dimensions: 32, id: "other" }) })).toThrow(
      expect.objectContaining({ code: "vector_dimension_mismatch" }),
    );
    const textOnly = openSqliteMemoryStore({ path: ":memory:" });
    expect(() => new Memory({ store: textOnly, embedder })).toThrow(
      expect.objectContaining({ code: "vector_index_missing" }),
    );
    await textOnly.close();
  });

  it("embeds what a batch writes in one call, and re-embeds updated text", async () => {
    const memory = new Memory({ store, embedder });
    const before = embedder.calls.length;
    const result = await memory.write(T, [
      { op: "create", record: { namespace: NS, kind: "fact", text: "Plays the cello" } },
      { op: "create", record: { namespace: NS, kind: "fact", text: "Lives by the sea" } },
    ]);
    expect(embedder.calls.slice(before)).toEqual([["Plays the cello", "Lives by the sea"]]);
    const [cello] = result.created;
    await memory.update(T, cello!.id, { text: "Plays the violin" });
    const found = await memory.search(T, { text: "violin", mode: "vector", limit: 1 });
    expect(found.hits.map((h) => h.record.id)).toEqual([cello!.id]);
    expect((await memory.history(T, cello!.id)).at(-1)).toMatchObject({
      action: "updated",
      previousText: "Plays the cello",
    });
  });

  it("forgets a record and a whole actor", async () => {
    const memory = new Memory({ store, embedder });
    const a = await memory.remember(T, { namespace: NS, kind: "fact", text: "one" });
    await memory.remember(T, { namespace: NS, kind: "fact", text: "two" });
    await memory.remember(T, { namespace: "/tenants/acme/actors/u2/facts", kind: "fact", text: "three" });
    expect(await memory.forget(T, a.id)).toBe(1);
    expect(await memory.forgetNamespace(T, "/tenants/acme/actors/u1")).toBe(1);
    expect((await memory.list(T)).records.map((r) => r.text)).toEqual(["three"]);
  });

  describe("when the embedding provider fails", () => {
    let server: MockEmbeddingsServer;
    beforeEach(async () => {
      server = await startMockEmbeddingsServer({ defaultDimensions: 32 });
    });
    afterEach(() => server.close());

    it("throws by default, or answers with BM25 and the error when asked", async () => {
      const remote = openaiCompatibleEmbeddings({ baseURL: server.url, model: embedder.id, dimensions: 32 });
      const memory = new Memory({ store, embedder: remote });
      await memory.remember(T, { namespace: NS, kind: "fact", text: "Allergic to penicillin" });
      expect((await memory.search(T, { text: "penicillin" })).mode).toBe("hybrid");
      server.failNext({ status: 500 });
      await expect(memory.search(T, { text: "penicillin" })).rejects.toMatchObject({
        code: "model_server_error",
      });
      server.failNext({ status: 500 });
      const fallback = await memory.search(T, { text: "penicillin", onEmbeddingError: "bm25" });
      expect(fallback).toMatchObject({ mode: "bm25", embeddingError: { code: "model_server_error" } });
      expect(fallback.hits.map((h) => h.record.text)).toEqual(["Allergic to penicillin"]);
      // A failed embedding writes nothing.
      server.failNext({ status: 429 });
      await expect(
        memory.remember(T, { namespace: NS, kind: "fact", text: "never stored" }),
      ).rejects.toMatchObject({
        code: "model_rate_limited",
      });
      expect((await memory.list(T)).records).toHaveLength(1);
    });
  });
});
