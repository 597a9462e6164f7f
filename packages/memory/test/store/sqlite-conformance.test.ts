import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { openSqliteMemoryStore } from "../../src/sqlite/sqlite-memory-store.ts";
import { runMemoryStoreConformance } from "../../src/testing/conformance.ts";

runMemoryStoreConformance("sqlite :memory:", ({ now, vectors }) =>
  openSqliteMemoryStore({ path: ":memory:", now, vectors }),
);

const dir = mkdtempSync(path.join(tmpdir(), "skein-memory-conformance-"));
let n = 0;
runMemoryStoreConformance("sqlite file (WAL)", ({ now, vectors }) =>
  openSqliteMemoryStore({ path: path.join(dir, `store-${++n}.db`), now, vectors }),
);

// The approximate (HNSW) vector index from the first record on, so every vector search goes through it.
runMemoryStoreConformance("sqlite :memory:, HNSW index", ({ now, vectors }) =>
  openSqliteMemoryStore({ path: ":memory:", now, vectors, ann: { minVectors: 1 } }),
);
runMemoryStoreConformance("sqlite file (WAL), HNSW index", ({ now, vectors }) =>
  openSqliteMemoryStore({ path: path.join(dir, `store-${++n}.db`), now, vectors, ann: { minVectors: 1 } }),
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
