import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteMemoryStore, type SqliteMemoryStore } from "../../src/sqlite/sqlite-memory-store.ts";
import type { MemoryWriteOp } from "../../src/store/types.ts";

// 30 records: every one says "user", 20 say "likes", 3 mention "zebra"; one mentions "giraffe" only.
const texts = Array.from({ length: 30 }, (_, i) => {
  const words = ["the user"];
  if (i < 20) words.push("likes tea");
  if (i % 10 === 3) words.push("and the zebra");
  if (i === 25) words.push("saw a giraffe");
  if (i % 2 === 0) words.push("every single morning before work");
  return words.join(" ");
});

describe("sqlite memory store: BM25 with a posting budget", () => {
  let store: SqliteMemoryStore;
  let exact: SqliteMemoryStore;
  const seed = async (s: SqliteMemoryStore) => {
    const ops: MemoryWriteOp[] = texts.map((text, i) => ({
      op: "create",
      record: { id: `r${i}`, namespace: `/u/a${i % 2}`, kind: "fact", text },
    }));
    await s.apply("t", ops);
  };
  beforeEach(async () => {
    store = openSqliteMemoryStore({ path: ":memory:", text: { maxPostings: 10 } });
    exact = openSqliteMemoryStore({ path: ":memory:" });
    await seed(store);
    await seed(exact);
  });
  afterEach(async () => {
    await store.close();
    await exact.close();
  });
  const ids = (hits: { record: { id: string } }[]) => hits.map((h) => h.record.id);

  it("scores the rare terms only when the common ones would blow the budget", async () => {
    const hits = await store.searchText("t", "does the user like zebra", {}, 10);
    expect(ids(hits).sort()).toEqual(["r13", "r23", "r3"]);
    // The exact query also ranks the zebra records first, then the rest by the common words.
    const full = await exact.searchText("t", "does the user like zebra", {}, 10);
    expect(ids(full).slice(0, 3).sort()).toEqual(["r13", "r23", "r3"]);
    expect(full.length).toBe(10);
  });

  it("ranks documents holding all the common terms, shorter first, when no term is rare", async () => {
    const hits = await store.searchText("t", "user likes", {}, 5);
    expect(hits).toHaveLength(5);
    for (const hit of hits) expect(hit.record.text).toMatch(/user.*likes/);
    // Odd records (no "every single morning …") are the shorter ones.
    expect(hits.every((h) => Number(h.record.id.slice(1)) % 2 === 1)).toBe(true);
    expect(hits.map((h) => h.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(hits[0]!.score).toBeLessThan(0);
  });

  it("applies filters to the budgeted query", async () => {
    const hits = await store.searchText("t", "user zebra", { namespacePrefix: "/u/a1" }, 10);
    expect(ids(hits).sort()).toEqual(["r13", "r23", "r3"]);
    // The rare term is not in /u/a0, and "user" (in every record, so IDF ≈ 0) is no evidence on its own.
    expect(await store.searchText("t", "user giraffe", { namespacePrefix: "/u/a0" }, 10)).toEqual([]);
    expect(ids(await store.searchText("other", "user zebra", {}, 10))).toEqual([]);
  });

  it("finds a tenant's matches when other tenants' rows rank above them", async () => {
    await exact.apply(
      "u",
      Array.from({ length: 20 }, (_, i) => ({
        op: "create" as const,
        record: { id: `u${i}`, namespace: "/u/a0", kind: "fact", text: "zebra zebra" },
      })),
    );
    // FTS5's top rows are all tenant u's; tenant t's zebra records are still found, in BM25 order.
    expect(ids(await exact.searchText("t", "zebra", {}, 2))).toHaveLength(2);
    expect(ids(await exact.searchText("t", "zebra", {}, 5)).sort()).toEqual(["r13", "r23", "r3"]);
    expect(ids(await exact.searchText("u", "zebra", {}, 3))).toEqual(["u0", "u1", "u2"]);
  });

  it("matches the exact query when the terms fit in the budget", async () => {
    const big = openSqliteMemoryStore({ path: ":memory:", text: { maxPostings: 1000 } });
    await seed(big);
    const query = "the user likes the zebra";
    expect(ids(await big.searchText("t", query, {}, 30))).toEqual(
      ids(await exact.searchText("t", query, {}, 30)),
    );
    await big.close();
  });
});
