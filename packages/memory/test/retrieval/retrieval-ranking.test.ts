import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Memory, vectorIndexFor } from "../../src/memory/memory.ts";
import type { SearchMode } from "../../src/retrieval/types.ts";
import { openSqliteMemoryStore, type SqliteMemoryStore } from "../../src/sqlite/sqlite-memory-store.ts";
import { hashedEmbedder } from "../../src/testing/hashed-embedder.ts";
import { QUERIES, RECORDS, SYNONYMS, U1, U2 } from "./labelled-set.ts";

const TENANT = "acme";
const embedder = hashedEmbedder({ dimensions: 256, synonyms: SYNONYMS });
let store: SqliteMemoryStore;
let memory: Memory;

beforeAll(async () => {
  store = openSqliteMemoryStore({ path: ":memory:", vectors: vectorIndexFor(embedder) });
  memory = new Memory({ store, embedder });
  await memory.write(
    TENANT,
    RECORDS.map((r) => ({
      op: "create" as const,
      record: { id: r.id, namespace: `${r.actor === "u1" ? U1 : U2}/${r.kind}s`, kind: r.kind, text: r.text },
    })),
  );
});
afterAll(() => store.close());

interface Scores {
  hitAt3: number;
  mrr: number;
  misses: string[];
}

async function evaluate(mode: SearchMode, queries = QUERIES): Promise<Scores> {
  let hits = 0;
  let reciprocal = 0;
  const misses: string[] = [];
  for (const query of queries) {
    const result = await memory.search(TENANT, { text: query.text, mode, namespacePrefix: U1, limit: 10 });
    expect(result.mode).toBe(mode);
    const ids = result.hits.map((h) => h.record.id);
    const rank = ids.findIndex((id) => query.expected.includes(id)) + 1;
    if (rank >= 1 && rank <= 3) hits++;
    else misses.push(query.text);
    if (rank >= 1) reciprocal += 1 / rank;
  }
  return { hitAt3: hits / queries.length, mrr: reciprocal / queries.length, misses };
}

describe("ranking on the labelled set", () => {
  it("BM25 finds the queries that share words with their answer, and none of the meaning-only ones", async () => {
    const lexical = await evaluate(
      "bm25",
      QUERIES.filter((q) => !q.meaningOnly),
    );
    expect(lexical.hitAt3, `misses: ${lexical.misses.join(" | ")}`).toBeGreaterThanOrEqual(0.9);
    expect(lexical.mrr).toBeGreaterThanOrEqual(0.8);
    for (const query of QUERIES.filter((q) => q.meaningOnly)) {
      const result = await memory.search(TENANT, { text: query.text, mode: "bm25", namespacePrefix: U1 });
      expect(result.hits.map((h) => h.record.id)).not.toContain(query.expected[0]);
    }
  });

  it("meets the hit@3 and MRR thresholds for bm25, vector and hybrid", async () => {
    const bm25 = await evaluate("bm25");
    const vector = await evaluate("vector");
    const hybrid = await evaluate("hybrid");
    const report = JSON.stringify({ bm25, vector, hybrid });
    // Measured on this set: bm25 0.76 / 0.74, vector 1.0 / 0.94, hybrid 0.94 / 0.87 (hit@3 / MRR).
    expect(bm25.hitAt3, report).toBeGreaterThanOrEqual(0.7);
    expect(bm25.mrr, report).toBeGreaterThanOrEqual(0.65);
    expect(vector.hitAt3, report).toBeGreaterThanOrEqual(0.9);
    expect(vector.mrr, report).toBeGreaterThanOrEqual(0.85);
    expect(hybrid.hitAt3, report).toBeGreaterThanOrEqual(0.9);
    expect(hybrid.mrr, report).toBeGreaterThanOrEqual(0.85);
    // Fusion recovers what BM25 alone cannot see.
    expect(hybrid.hitAt3, report).toBeGreaterThan(bm25.hitAt3);
    expect(hybrid.mrr, report).toBeGreaterThan(bm25.mrr);
  });

  it("keeps the namespace filter: another actor's closer record never shows up", async () => {
    const result = await memory.search(TENANT, { text: "black coffee", namespacePrefix: U1 });
    expect(result.hits.map((h) => h.record.id)).not.toContain("tom-coffee");
    const everyone = await memory.search(TENANT, { text: "black coffee" });
    expect(everyone.hits[0]!.record.id).toBe("tom-coffee");
  });

  it("filters by kind and creation time in every mode", async () => {
    for (const mode of ["bm25", "vector", "hybrid"] as const) {
      const prefs = await memory.search(TENANT, {
        text: "Maya coffee tea",
        mode,
        kinds: ["preference"],
        namespacePrefix: U1,
      });
      expect(prefs.hits.length).toBeGreaterThan(0);
      expect(prefs.hits.every((h) => h.record.kind === "preference")).toBe(true);
      const future = await memory.search(TENANT, {
        text: "Maya coffee tea",
        mode,
        createdAfter: Date.now() + 60_000,
      });
      expect(future.hits).toEqual([]);
    }
  });

  it("reports how each hit was found", async () => {
    const result = await memory.search(TENANT, { text: "Does she have a dog?", namespacePrefix: U1 });
    expect(result.mode).toBe("hybrid");
    const puppy = result.hits.find((h) => h.record.id === "puppy")!;
    expect(puppy.vectorRank).toBe(1);
    expect(puppy.bm25Rank).toBeUndefined();
    expect(puppy.distance).toBeLessThan(1);
  });
});

describe("without an embedding model", () => {
  it("searches with BM25 alone and says so", async () => {
    const bm25Only = new Memory({ store });
    const result = await bm25Only.search(TENANT, { text: "peanut allergy", namespacePrefix: U1 });
    expect(result.mode).toBe("bm25");
    expect(result.hits[0]!.record.id).toBe("peanuts");
    await expect(bm25Only.search(TENANT, { text: "x", mode: "hybrid" })).rejects.toMatchObject({
      code: "embedding_not_configured",
    });
  });
});
