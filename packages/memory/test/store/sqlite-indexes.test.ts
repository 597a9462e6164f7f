import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { migrateMemory } from "../../src/sqlite/migrations.ts";
import { openSqliteMemoryStore, type SqliteMemoryStore } from "../../src/sqlite/sqlite-memory-store.ts";

const vectors = { dimensions: 4, model: "axes" };
const TOKEN = "zqxjkvbwpf"; // a word found nowhere else in the database
const VECTOR = [0.123456, 0.654321, 0.111111, 0.999999];

/** Whether `needle`'s bytes occur anywhere in `haystack`. */
const contains = (haystack: Buffer, needle: Buffer | string): boolean => haystack.indexOf(needle) !== -1;
const floatBytes = (vector: number[]): Buffer => Buffer.from(Float32Array.from(vector).buffer);

describe("sqlite memory store: deletion reaches every table and index", () => {
  let dir: string;
  let file: string;
  let store: SqliteMemoryStore;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "skein-memory-"));
    file = path.join(dir, "memory.db");
    store = openSqliteMemoryStore({ path: file, vectors });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const count = (sql: string, ...params: (string | number)[]) =>
    (store.db.prepare(sql).get(...params) as { n: number }).n;

  async function seed() {
    const doomed = (
      await store.apply("t", [
        {
          op: "create",
          record: {
            namespace: "/tenants/t/actors/u1/facts",
            kind: "fact",
            text: `The vault code word is ${TOKEN}`,
          },
          embedding: VECTOR,
        },
      ])
    ).created[0]!;
    await store.apply("t", [
      { op: "update", id: doomed.id, patch: { metadata: { touched: true } }, reason: "edit" },
    ]);
    await store.apply("t", [
      {
        op: "create",
        record: { namespace: "/tenants/t/actors/u2/facts", kind: "fact", text: "Unrelated fact" },
        embedding: [1, 0, 0, 0],
      },
    ]);
    return doomed;
  }

  function assertGone(id: string) {
    expect(count("SELECT count(*) AS n FROM memory_records WHERE id = ?", id)).toBe(0);
    expect(count("SELECT count(*) AS n FROM memory_history WHERE record_id = ?", id)).toBe(0);
    expect(count(`SELECT count(*) AS n FROM memory_fts WHERE memory_fts MATCH '"${TOKEN}"'`)).toBe(0);
    expect(count("SELECT count(*) AS n FROM memory_fts")).toBe(1);
    expect(count("SELECT count(*) AS n FROM memory_vec")).toBe(1);
    expect(count("SELECT count(*) AS n FROM memory_vec_rowids")).toBe(1);
    // sqlite-vec zeroes a deleted vector's slot in its chunk; the bytes must not linger there.
    const chunks = store.db.prepare("SELECT vectors FROM memory_vec_vector_chunks00").all() as {
      vectors: Uint8Array;
    }[];
    for (const chunk of chunks) expect(contains(Buffer.from(chunk.vectors), floatBytes(VECTOR))).toBe(false);
    // FTS5 shadow tables: the token must be gone from the index data and the content copy.
    for (const table of ["memory_fts_data", "memory_fts_content", "memory_fts_idx"]) {
      for (const row of store.db.prepare(`SELECT * FROM ${table}`).all()) {
        for (const value of Object.values(row)) {
          if (value instanceof Uint8Array) expect(contains(Buffer.from(value), TOKEN)).toBe(false);
          else expect(String(value)).not.toContain(TOKEN);
        }
      }
    }
  }

  it("before deletion the record is in every index (the checks below can fail)", async () => {
    await seed();
    expect(count(`SELECT count(*) AS n FROM memory_fts WHERE memory_fts MATCH '"${TOKEN}"'`)).toBe(1);
    expect(count("SELECT count(*) AS n FROM memory_vec")).toBe(2);
    const chunks = store.db.prepare("SELECT vectors FROM memory_vec_vector_chunks00").all() as {
      vectors: Uint8Array;
    }[];
    expect(chunks.some((c) => contains(Buffer.from(c.vectors), floatBytes(VECTOR)))).toBe(true);
  });

  it("deleteRecord removes the base row, history, FTS entry and vector in one go", async () => {
    const doomed = await seed();
    expect(await store.deleteRecord("t", doomed.id)).toBe(1);
    assertGone(doomed.id);
  });

  it("deleteNamespace (an actor) removes the same", async () => {
    const doomed = await seed();
    expect(await store.deleteNamespace("t", "/tenants/t/actors/u1")).toBe(1);
    assertGone(doomed.id);
  });

  it("leaves no copy of the text or the vector in the database file once checkpointed", async () => {
    const doomed = await seed();
    store.db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    expect(contains(readFileSync(file), TOKEN)).toBe(true);
    await store.deleteRecord("t", doomed.id);
    store.db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    const bytes = readFileSync(file);
    expect(contains(bytes, TOKEN)).toBe(false);
    expect(contains(bytes, floatBytes(VECTOR))).toBe(false);
  });

  it("a store reopened without `vectors` still deletes from the vector index", async () => {
    const doomed = await seed();
    await store.close();
    store = openSqliteMemoryStore({ path: file });
    expect(store.vectorIndex).toEqual(vectors);
    await store.deleteRecord("t", doomed.id);
    assertGone(doomed.id);
  });
});

describe("sqlite memory store: opening and migrations", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "skein-memory-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("migrates once, uses WAL, and refuses a schema newer than it knows", async () => {
    const file = path.join(dir, "m.db");
    const store = openSqliteMemoryStore({ path: file });
    expect((store.db.prepare("PRAGMA journal_mode").get() as { journal_mode: string }).journal_mode).toBe(
      "wal",
    );
    expect(migrateMemory(store.db)).toEqual([]);
    store.db
      .prepare("INSERT INTO memory_schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)")
      .run();
    await store.close();
    expect(() => openSqliteMemoryStore({ path: file })).toThrow(
      expect.objectContaining({ code: "memory_schema_too_new" }),
    );
  });

  it("re-indexes Chinese and Japanese text written before words were set apart (migration 3)", async () => {
    const file = path.join(dir, "cjk.db");
    const text = "用户喜欢用表格比较数据";
    let store = openSqliteMemoryStore({ path: file });
    await store.apply("t", [{ op: "create", record: { id: "zh", namespace: "/u", kind: "fact", text } }]);
    // The index as an older version wrote it: the whole run of characters as one token, migration 3 not applied.
    store.db.prepare("UPDATE memory_fts SET text = ?").run(text);
    store.db.prepare("DELETE FROM memory_schema_migrations WHERE version = 3").run();
    expect(await store.searchText("t", "表格")).toEqual([]);
    await store.close();
    store = openSqliteMemoryStore({ path: file });
    expect((await store.searchText("t", "表格")).map((h) => h.record.id)).toEqual(["zh"]);
    await store.close();
  });

  it("refuses to mix vectors of another size or model", async () => {
    const file = path.join(dir, "v.db");
    await openSqliteMemoryStore({ path: file, vectors }).close();
    for (const other of [
      { dimensions: 8, model: "axes" },
      { dimensions: 4, model: "another-model" },
    ])
      expect(() => openSqliteMemoryStore({ path: file, vectors: other })).toThrow(
        expect.objectContaining({ code: "vector_dimension_mismatch" }),
      );
    const text = openSqliteMemoryStore({ path: path.join(dir, "text-only.db") });
    expect(text.vectorIndex).toBeUndefined();
    await expect(text.searchVector("t", [1, 0, 0, 0])).rejects.toMatchObject({
      code: "vector_index_missing",
    });
    await text.close();
  });

  it("two connections to one file see each other's commits", async () => {
    const file = path.join(dir, "shared.db");
    const writer = openSqliteMemoryStore({ path: file, vectors });
    const reader = openSqliteMemoryStore({ path: file });
    const created = (
      await writer.apply("t", [
        { op: "create", record: { namespace: "/n", kind: "fact", text: "shared fact" }, embedding: VECTOR },
      ])
    ).created[0]!;
    expect((await reader.get("t", created.id))?.text).toBe("shared fact");
    expect((await reader.searchVector("t", VECTOR)).map((h) => h.record.id)).toEqual([created.id]);
    await writer.close();
    await reader.close();
  });
});
