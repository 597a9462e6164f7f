// Where search time goes: the store's own SQL against rewritten forms, on the same file, same queries. Read-only
// on the store (raw statements on `store.db`); proposes fixes without changing packages/memory.

import { loadavg } from "node:os";
import { join } from "node:path";
import { actorNamespace, openSqliteMemoryStore, vectorIndexFor } from "@skein/memory";
import { hashedEmbedder, hashedVector } from "@skein/memory/testing";
import { ftsMatchExpression } from "../../packages/memory/src/sqlite/fts-query.ts";
import { Corpus, TENANT } from "./search-bench.ts";

export interface DiagnoseRow {
  what: string;
  p50: number;
  p99: number;
  n: number;
  load: number;
}

const WHERE = "r.tenant_id = ? AND r.status = 'active' AND (r.expires_at IS NULL OR r.expires_at > ?)";
const NS = "AND (r.namespace = ? OR (r.namespace >= ? AND r.namespace < ?))";

export async function runDiagnose(o: {
  size: number;
  dimensions: number;
  actors: number;
  queries: number;
  dir: string;
  log: (line: string) => void;
}): Promise<{ size: number; rows: DiagnoseRow[] }> {
  const embedder = hashedEmbedder({ dimensions: o.dimensions, id: `hashed-${o.dimensions}` });
  const store = openSqliteMemoryStore({
    path: join(o.dir, "diagnose.db"),
    vectors: vectorIndexFor(embedder),
  });
  const corpus = new Corpus(store, o.dimensions, o.actors, o.size);
  await corpus.grow(o.size, Number.POSITIVE_INFINITY);
  o.log(`diagnose: built ${o.size}`);
  const db = store.db;
  const texts = corpus.queries(o.queries, 77);
  const blobs = texts.map((t) => new Uint8Array(Float32Array.from(hashedVector(t, o.dimensions)).buffer));
  const now = Date.now();
  const knn = db.prepare(
    "SELECT seq, distance FROM memory_vec WHERE embedding MATCH ? AND k = ? AND tenant_id = ? AND status = 'active' ORDER BY distance",
  );
  const seqLists = blobs.map((b) => JSON.stringify(knn.all(b, 160n, TENANT).map((r) => Number(r.seq))));
  const ns = (i: number) => {
    const root = actorNamespace(TENANT, `a${i % o.actors}`);
    return [root, `${root}/`, `${root}0`];
  };
  const cases: [string, (i: number) => unknown][] = [
    ["vec0 KNN k=160, tenant partition (brute force)", (i) => knn.all(blobs[i]!, 160n, TENANT)],
    ["vec0 KNN k=4096 (the widened k of an actor-scoped search)", (i) => knn.all(blobs[i]!, 4096n, TENANT)],
    [
      "hydrate 160 hits: store's `seq IN json_each` (plans a tenant index scan)",
      (() => {
        const s = db.prepare(
          `SELECT r.* FROM memory_records r WHERE r.seq IN (SELECT value FROM json_each(?)) AND ${WHERE}`,
        );
        return (i: number) => s.all(seqLists[i]!, TENANT, now);
      })(),
    ],
    [
      "hydrate 160 hits: `json_each CROSS JOIN memory_records` (rowid lookups)",
      (() => {
        const s = db.prepare(
          `SELECT r.* FROM json_each(?) j CROSS JOIN memory_records r ON r.seq = j.value WHERE ${WHERE}`,
        );
        return (i: number) => s.all(seqLists[i]!, TENANT, now);
      })(),
    ],
    [
      "bm25 top 40: store's join + ORDER BY over every match",
      (() => {
        const s = db.prepare(
          `SELECT r.*, bm25(memory_fts) AS score FROM memory_fts JOIN memory_records r ON r.seq = memory_fts.rowid
           WHERE memory_fts MATCH ? AND ${WHERE} ORDER BY score, r.seq LIMIT 40`,
        );
        return (i: number) => s.all(ftsMatchExpression(texts[i]!)!, TENANT, now);
      })(),
    ],
    [
      "bm25 top 40: FTS5 `ORDER BY rank LIMIT` first, then join",
      (() => {
        const s = db.prepare(
          `SELECT r.*, f.rank AS score FROM (SELECT rowid, rank FROM memory_fts WHERE memory_fts MATCH ? ORDER BY rank LIMIT 160) f
           CROSS JOIN memory_records r ON r.seq = f.rowid WHERE ${WHERE} ORDER BY score, r.seq LIMIT 40`,
        );
        return (i: number) => s.all(ftsMatchExpression(texts[i]!)!, TENANT, now);
      })(),
    ],
    [
      "bm25 top 40, one actor: store's join",
      (() => {
        const s = db.prepare(
          `SELECT r.*, bm25(memory_fts) AS score FROM memory_fts JOIN memory_records r ON r.seq = memory_fts.rowid
           WHERE memory_fts MATCH ? AND ${WHERE} ${NS} ORDER BY score, r.seq LIMIT 40`,
        );
        return (i: number) => s.all(ftsMatchExpression(texts[i]!)!, TENANT, now, ...ns(i));
      })(),
    ],
  ];
  const rows: DiagnoseRow[] = [];
  for (const [what, fn] of cases) {
    for (let i = 0; i < 3; i++) fn(i);
    const load = Number(loadavg()[0]!.toFixed(2));
    const samples: number[] = [];
    const end = performance.now() + 30_000;
    for (let i = 0; i < texts.length && performance.now() < end; i++) {
      const t0 = performance.now();
      fn(i);
      samples.push(performance.now() - t0);
    }
    samples.sort((a, b) => a - b);
    const q = (p: number) => samples[Math.min(samples.length - 1, Math.ceil(p * samples.length) - 1)]!;
    rows.push({ what, p50: q(0.5), p99: q(0.99), n: samples.length, load });
    o.log(`diagnose ${what}: p50 ${q(0.5).toFixed(2)} ms`);
  }
  await store.close();
  return { size: o.size, rows };
}
