import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteMemoryStore, type SqliteMemoryStore } from "../../src/sqlite/sqlite-memory-store.ts";
import type { MemoryWriteOp } from "../../src/store/types.ts";

const DIMS = 16;
const vectors = { dimensions: DIMS, model: "random-16" };
const ann = { minVectors: 1 };

/** Deterministic pseudo-random unit vectors. */
function randomVectors(count: number, seed: number): number[][] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31 - 0.5;
  };
  return Array.from({ length: count }, () => {
    const v = Array.from({ length: DIMS }, next);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

const ids = (hits: { record: { id: string } }[]) => hits.map((h) => h.record.id);

describe("sqlite memory store: approximate (HNSW) vector index", () => {
  let dir: string;
  let file: string;
  const open: SqliteMemoryStore[] = [];
  const openStore = (options: { ann?: typeof ann | false } = {}) => {
    const store = openSqliteMemoryStore({ path: file, vectors, ann: options.ann ?? ann });
    open.push(store);
    return store;
  };
  const data = randomVectors(400, 7);
  const queries = randomVectors(20, 99);

  async function seed(store: SqliteMemoryStore, tenant = "t") {
    const ops: MemoryWriteOp[] = data.map((embedding, i) => ({
      op: "create",
      record: {
        id: `r${i}`,
        namespace: `/tenants/${tenant}/actors/a${i % 4}/fact`,
        kind: "fact",
        text: `record ${i}`,
      },
      embedding,
    }));
    await store.apply(tenant, ops);
  }

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "skein-memory-ann-"));
    file = path.join(dir, "memory.db");
  });
  afterEach(async () => {
    for (const store of open.splice(0)) if (store.db.isOpen) store.db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("finds what the exact scan finds, tenant-wide and under a namespace prefix", async () => {
    const store = openStore();
    await seed(store);
    const exact = openStore({ ann: false });
    let found = 0;
    let total = 0;
    for (const [q, query] of queries.entries()) {
      const actor = `/tenants/t/actors/a${q % 4}`;
      for (const namespacePrefix of [undefined, "/tenants/t", actor, `${actor}/fact`]) {
        const got = await store.searchVector("t", query, { namespacePrefix }, 10);
        const want = await exact.searchVector("t", query, { namespacePrefix }, 10);
        if (namespacePrefix)
          expect(got.every((h) => `${h.record.namespace}/`.startsWith(`${namespacePrefix}/`))).toBe(true);
        found += ids(got).filter((id) => ids(want).includes(id)).length;
        total += want.length;
        expect(got[0]!.score).toBeCloseTo(want[0]!.score, 4);
      }
    }
    expect(found / total).toBeGreaterThanOrEqual(0.95);
  });

  it("never returns retired, deleted or another tenant's records", async () => {
    const store = openStore();
    await seed(store, "t");
    await seed(store, "other");
    const query = data[5]!;
    const actor = { namespacePrefix: "/tenants/t/actors/a1" };
    expect(ids(await store.searchVector("t", query, {}, 3))[0]).toBe("r5");
    expect(ids(await store.searchVector("t", query, actor, 3))[0]).toBe("r5"); // loads the actor's scope
    await store.apply("t", [{ op: "retire", id: "r5", reason: "wrong" }]);
    await store.deleteRecord("t", "r6");
    await store.deleteNamespace("t", "/tenants/t/actors/a3");
    const after = await store.searchVector("t", query, {}, 50);
    expect(ids(after)).not.toContain("r5");
    expect(ids(await store.searchVector("t", query, actor, 50))).not.toContain("r5");
    await store.apply("t", [
      {
        op: "create",
        record: { id: "fresh", namespace: "/tenants/t/actors/a1/fact", kind: "fact", text: "fresh" },
        embedding: query,
      },
    ]);
    expect(ids(await store.searchVector("t", query, actor, 1))).toEqual(["fresh"]);
    expect(ids(after)).not.toContain("r6");
    expect(after.every((h) => !h.record.namespace.includes("/a3/"))).toBe(true);
    expect(after.every((h) => h.record.tenantId === "t")).toBe(true);
    expect((await store.searchVector("t", data[6]!, {}, 1))[0]!.record.id).not.toBe("r6");
    // Retired records stay reachable when asked for (exact path).
    expect(ids(await store.searchVector("t", query, { status: "retired" }, 1))).toEqual(["r5"]);
  });

  it("sees writes made through another connection to the same file", async () => {
    const reader = openStore();
    await seed(reader);
    expect(ids(await reader.searchVector("t", queries[0]!, {}, 1))).not.toEqual(["new"]);
    const writer = openStore({ ann: false });
    await writer.apply("t", [
      {
        op: "create",
        record: { id: "new", namespace: "/n", kind: "fact", text: "new" },
        embedding: queries[0]!,
      },
    ]);
    expect(ids(await reader.searchVector("t", queries[0]!, {}, 1))).toEqual(["new"]);
    await writer.deleteRecord("t", "new");
    expect(ids(await reader.searchVector("t", queries[0]!, {}, 1))).not.toEqual(["new"]);
  });

  it("saves the graph on close and replays later changes after a crash", async () => {
    const first = openStore();
    await seed(first);
    await first.searchVector("t", queries[0]!, {}, 1);
    // New text without a new vector: r11 stays active but leaves the vector index.
    await first.apply("t", [{ op: "update", id: "r11", patch: { text: "rewritten" } }]);
    await first.close();
    expect(readdirSync(`${file}.ann`).some((name) => name.endsWith(".hnsw"))).toBe(true);
    // The log the snapshot covers is pruned.
    const log = first.db.isOpen
      ? 0
      : (
          openStore({ ann: false }).db.prepare("SELECT count(*) AS n FROM memory_vec_changes").get() as {
            n: number;
          }
        ).n;
    expect(log).toBe(0);

    const second = openStore();
    expect(ids(await second.searchVector("t", data[9]!, {}, 1))).toEqual(["r9"]);
    const a3 = { namespacePrefix: "/tenants/t/actors/a3" };
    expect(ids(await second.searchVector("t", data[11]!, a3, 100))).not.toContain("r11");
    expect(ids(await second.searchVector("t", data[15]!, a3, 1))).toEqual(["r15"]);
    await second.apply("t", [
      {
        op: "create",
        record: { id: "late", namespace: "/n", kind: "fact", text: "late" },
        embedding: queries[1]!,
      },
      { op: "update", id: "r9", patch: { text: "moved" }, embedding: queries[2]! },
    ]);
    await second.deleteRecord("t", "r10");
    second.db.close(); // a crash: no snapshot of these changes

    const third = openStore();
    expect(ids(await third.searchVector("t", queries[1]!, {}, 1))).toEqual(["late"]);
    expect(ids(await third.searchVector("t", queries[2]!, {}, 1))).toEqual(["r9"]);
    expect(ids(await third.searchVector("t", data[10]!, {}, 5))).not.toContain("r10");
    await third.close();
    // Each save writes a new graph file and removes the one it replaces.
    expect(readdirSync(`${file}.ann`).filter((name) => name.endsWith(".hnsw"))).toHaveLength(1);
    const fourth = openStore();
    expect(ids(await fourth.searchVector("t", queries[1]!, {}, 1))).toEqual(["late"]);
  });

  it("rebuilds from the table when the snapshot is unreadable", async () => {
    const first = openStore();
    await seed(first);
    await first.searchVector("t", queries[0]!, {}, 1);
    await first.close();
    for (const name of readdirSync(`${file}.ann`))
      if (name.endsWith(".hnsw")) rmSync(path.join(`${file}.ann`, name));
    const second = openStore();
    expect(ids(await second.searchVector("t", data[3]!, {}, 1))).toEqual(["r3"]);
    expect(existsSync(`${file}.ann`)).toBe(true);
  });

  it("keeps small tenants on the exact scan", async () => {
    const store = openSqliteMemoryStore({ path: file, vectors, ann: { minVectors: 1000 } });
    open.push(store);
    await seed(store);
    expect(ids(await store.searchVector("t", data[1]!, {}, 1))).toEqual(["r1"]);
    await store.close();
    expect(existsSync(`${file}.ann`)).toBe(false);
  });
});
