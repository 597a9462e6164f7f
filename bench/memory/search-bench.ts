// Search latency (bm25 / vector / hybrid) and vector recall@10 against exact search, on one SQLite file store
// grown step by step (10k -> 100k -> 1M), through the real write path (`store.apply`) and `Memory.search`.

import { existsSync, readdirSync, statSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import {
  actorNamespace,
  kindNamespace,
  Memory,
  type MemoryStore,
  type NewMemoryRecord,
  openSqliteMemoryStore,
  type SearchMode,
  vectorIndexFor,
} from "@skein/memory";
import { hashedEmbedder, hashedVector } from "@skein/memory/testing";
import { type BaselineRow, runBaseline } from "./baseline.ts";
import { queryFor, seededRandom, sentence, Vocabulary } from "./corpus.ts";

export const TENANT = "bench";
const BATCH = 1000;

export interface SearchBenchOptions {
  sizes: number[];
  dimensions: number;
  queries: number;
  actors: number;
  /** The build of one step may take at most this long; a step predicted to take longer is skipped. */
  maxBuildSeconds: number;
  /** Each timed series (and each recall series) stops after this long; `n` says how many queries ran. */
  seriesBudgetMs: number;
  dir: string;
  /** Reuse (or create) this store file: records already in it are regenerated in memory, not written again. */
  storePath?: string;
  /** Build the store, measure nothing. */
  buildOnly?: boolean;
  /** Also time hybrid search on the previous path (exact vectors, unbounded BM25), interleaved with the current. */
  baseline?: boolean;
  log: (line: string) => void;
}

export interface Latency {
  n: number;
  p50: number;
  p99: number;
  mean: number;
  /** 1-minute load average before and after the series. */
  load: [number, number];
}

export interface SizeResult {
  size: number;
  /** Records per second over the whole step (text generation, embedding, `store.apply`). */
  buildRate: number;
  /** Records per second inside `store.apply` only. */
  applyRate: number;
  buildSeconds: number;
  dbBytes: number;
  /** Bytes of the approximate index's saved graphs (`<db>.ann/`), after the step's searches. */
  annBytes: number;
  /** The first vector search after the build: loads, builds or catches up the HNSW graph. */
  firstVectorSearchMs: number;
  /** `embedder.embed([query])` alone (the hashed test double), per query. */
  embedding: Latency;
  tenantWide: Record<SearchMode, Latency>;
  actorScoped: Record<SearchMode, Latency>;
  recall: { tenantWide: Recall; actorScoped: Recall };
  baseline?: BaselineRow[];
}

export interface Recall {
  /** Exact top-10 ids found (ties at the 10th distance count as either). */
  tieAware: number;
  /** Share of the exact top-10 id set returned, ties ignored. */
  strict: number;
  queries: number;
}

export interface SearchBenchResult {
  sizes: SizeResult[];
  /** Sizes skipped because building them would exceed the budget, with the measured rate and the extrapolation. */
  skipped: { size: number; rate: number; predictedSeconds: number; load: number }[];
}

const quantile = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

function latency(samples: number[], load: [number, number]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
    load,
  };
}

const dirBytes = (dir: string): number =>
  existsSync(dir) ? readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0) : 0;

const load1 = (): number => Number(loadavg()[0]!.toFixed(2));

/** Grows the store and the in-memory copy of every vector (for exact search). */
export class Corpus {
  readonly texts: string[] = [];
  readonly vectors: Float32Array;
  private readonly random = seededRandom(42);
  private readonly vocab: Vocabulary;
  private readonly base = Date.UTC(2026, 0, 1);

  readonly store: MemoryStore;
  readonly dimensions: number;
  readonly actors: number;

  constructor(store: MemoryStore, dimensions: number, actors: number, capacity: number) {
    this.store = store;
    this.dimensions = dimensions;
    this.actors = actors;
    this.vocab = new Vocabulary(20_000, seededRandom(7));
    this.vectors = new Float32Array(capacity * dimensions);
  }

  get size(): number {
    return this.texts.length;
  }

  /** Records below this index are already in a reused store file: regenerated here, not applied. */
  stored = 0;

  namespaceOf(i: number): string {
    return kindNamespace(actorNamespace(TENANT, `a${i % this.actors}`), "fact");
  }

  /** Adds records up to `target` (or until `deadline`); returns the seconds spent in `store.apply`. */
  async grow(target: number, deadline: number): Promise<number> {
    let applySeconds = 0;
    while (this.size < target && performance.now() < deadline) {
      const ops: { op: "create"; record: NewMemoryRecord; embedding: number[] }[] = [];
      for (let i = this.size; i < Math.min(target, this.size + BATCH); i++) {
        const text = sentence(this.vocab, this.random);
        const embedding = hashedVector(text, this.dimensions);
        this.vectors.set(embedding, i * this.dimensions);
        this.texts.push(text);
        ops.push({
          op: "create",
          record: {
            id: `r${i}`,
            namespace: this.namespaceOf(i),
            kind: "fact",
            text,
            createdAt: this.base + i * 1000,
          },
          embedding,
        });
      }
      if (this.size <= this.stored) continue;
      const t0 = performance.now();
      await this.store.apply(TENANT, ops);
      applySeconds += (performance.now() - t0) / 1000;
    }
    return applySeconds;
  }

  queries(count: number, seed: number): string[] {
    const random = seededRandom(seed);
    return Array.from({ length: count }, () =>
      queryFor(this.texts[Math.floor(random() * this.size)]!, this.vocab, random),
    );
  }

  /** Brute-force cosine distances in JS over the records `i` with `i % actors == actor` (all when undefined). */
  exactTop(query: number[], k: number, actor?: number): { index: number; distance: number }[] {
    const d = this.dimensions;
    let qn = 0;
    for (const v of query) qn += v * v;
    qn = Math.sqrt(qn);
    const top: { index: number; distance: number }[] = [];
    const step = actor === undefined ? 1 : this.actors;
    for (let i = actor ?? 0; i < this.size; i += step) {
      let dot = 0;
      let norm = 0;
      const off = i * d;
      for (let j = 0; j < d; j++) {
        const x = this.vectors[off + j]!;
        dot += x * query[j]!;
        norm += x * x;
      }
      const distance = 1 - dot / (Math.sqrt(norm) * qn);
      if (top.length < k || distance < top[top.length - 1]!.distance) {
        top.push({ index: i, distance });
        top.sort((a, b) => a.distance - b.distance);
        if (top.length > k) top.pop();
      }
    }
    return top;
  }

  distanceTo(query: number[], index: number): number {
    const d = this.dimensions;
    let dot = 0;
    let norm = 0;
    let qn = 0;
    for (let j = 0; j < d; j++) {
      const x = this.vectors[index * d + j]!;
      dot += x * query[j]!;
      norm += x * x;
      qn += query[j]! * query[j]!;
    }
    return 1 - dot / (Math.sqrt(norm) * Math.sqrt(qn));
  }
}

async function timeSeries(
  memory: Memory,
  texts: string[],
  mode: SearchMode,
  namespacePrefix: (i: number) => string | undefined,
  budgetMs: number,
): Promise<Latency> {
  for (let i = 0; i < Math.min(5, texts.length); i++)
    await memory.search(TENANT, { text: texts[i]!, limit: 10, mode, namespacePrefix: namespacePrefix(i) });
  const before = load1();
  const samples: number[] = [];
  const end = performance.now() + budgetMs;
  for (let i = 0; i < texts.length && performance.now() < end; i++) {
    const t0 = performance.now();
    await memory.search(TENANT, { text: texts[i]!, limit: 10, mode, namespacePrefix: namespacePrefix(i) });
    samples.push(performance.now() - t0);
  }
  return latency(samples, [before, load1()]);
}

async function recall(
  memory: Memory,
  corpus: Corpus,
  texts: string[],
  actorOf: (i: number) => number | undefined,
  budgetMs: number,
): Promise<Recall> {
  let tieAware = 0;
  let strict = 0;
  let q = 0;
  const end = performance.now() + budgetMs;
  for (; q < texts.length && performance.now() < end; q++) {
    const actor = actorOf(q);
    const result = await memory.search(TENANT, {
      text: texts[q]!,
      limit: 10,
      mode: "vector",
      namespacePrefix: actor === undefined ? undefined : actorNamespace(TENANT, `a${actor}`),
    });
    const vector = hashedVector(texts[q]!, corpus.dimensions);
    const exact = corpus.exactTop(vector, 10, actor);
    const want = Math.min(10, exact.length);
    const cutoff = exact[want - 1]!.distance + 1e-6;
    const got = result.hits.map((h) => Number(h.record.id.slice(1)));
    const exactIds = new Set(exact.map((e) => e.index));
    tieAware += Math.min(want, got.filter((i) => corpus.distanceTo(vector, i) <= cutoff).length) / want;
    strict += got.filter((i) => exactIds.has(i)).length / want;
  }
  return { tieAware: tieAware / q, strict: strict / q, queries: q };
}

const MODES: SearchMode[] = ["bm25", "vector", "hybrid"];

export async function runSearchBench(o: SearchBenchOptions): Promise<SearchBenchResult> {
  const embedder = hashedEmbedder({ dimensions: o.dimensions, id: `hashed-${o.dimensions}` });
  const path = o.storePath ?? join(o.dir, "memory.db");
  const store = openSqliteMemoryStore({ path, vectors: vectorIndexFor(embedder) });
  const memory = new Memory({ store, embedder });
  const corpus = new Corpus(store, o.dimensions, o.actors, Math.max(...o.sizes));
  corpus.stored = Number(store.db.prepare("SELECT count(*) AS n FROM memory_records").get()!.n);
  if (corpus.stored > 0) o.log(`reusing ${path}: ${corpus.stored} records`);
  const result: SearchBenchResult = { sizes: [], skipped: [] };
  let rate = Number.NaN;
  try {
    for (const size of o.sizes) {
      const missing = size - corpus.size;
      if (Number.isFinite(rate) && missing / rate > o.maxBuildSeconds) {
        result.skipped.push({ size, rate, predictedSeconds: missing / rate, load: load1() });
        o.log(`skip ${size}: predicted ${(missing / rate).toFixed(0)} s at ${rate.toFixed(0)} rec/s`);
        continue;
      }
      o.log(`building to ${size} (load ${load1()})`);
      const t0 = performance.now();
      const applySeconds = await corpus.grow(size, t0 + o.maxBuildSeconds * 1500);
      const buildSeconds = (performance.now() - t0) / 1000;
      rate = missing / buildSeconds;
      if (corpus.size < size) {
        result.skipped.push({ size, rate, predictedSeconds: missing / rate, load: load1() });
        o.log(`stopped at ${corpus.size} of ${size}: deadline`);
        break;
      }
      o.log(`built ${size} in ${buildSeconds.toFixed(1)} s (${rate.toFixed(0)} rec/s)`);
      if (o.buildOnly) continue;
      const queries = corpus.queries(o.queries, 1000 + size);
      const tFirst = performance.now();
      await memory.search(TENANT, { text: queries[0]!, limit: 10, mode: "vector" });
      const firstVectorSearchMs = performance.now() - tFirst;
      o.log(`${size}: first vector search ${firstVectorSearchMs.toFixed(0)} ms`);
      const embedLoad = load1();
      const embedSamples = [];
      for (const q of queries) {
        const t = performance.now();
        await embedder.embed([q]);
        embedSamples.push(performance.now() - t);
      }
      const embedding = latency(embedSamples, [embedLoad, load1()]);
      const actorOf = (i: number) => i % o.actors;
      const tenantWide = {} as Record<SearchMode, Latency>;
      const actorScoped = {} as Record<SearchMode, Latency>;
      for (const mode of MODES) {
        tenantWide[mode] = await timeSeries(memory, queries, mode, () => undefined, o.seriesBudgetMs);
        actorScoped[mode] = await timeSeries(
          memory,
          queries,
          mode,
          (i) => actorNamespace(TENANT, `a${actorOf(i)}`),
          o.seriesBudgetMs,
        );
        o.log(
          `${size} ${mode}: p50 ${tenantWide[mode].p50.toFixed(2)} ms, actor p50 ${actorScoped[mode].p50.toFixed(2)} ms`,
        );
      }
      const recallQueries = queries.slice(0, Math.min(queries.length, 100));
      const sizeResult: SizeResult = {
        size,
        buildRate: rate,
        applyRate: missing / applySeconds,
        buildSeconds,
        dbBytes: statSync(path).size + (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0),
        annBytes: 0,
        firstVectorSearchMs,
        embedding,
        tenantWide,
        actorScoped,
        recall: {
          tenantWide: await recall(memory, corpus, recallQueries, () => undefined, o.seriesBudgetMs),
          actorScoped: await recall(memory, corpus, recallQueries, actorOf, o.seriesBudgetMs),
        },
      };
      o.log(`${size} recall: ${JSON.stringify(sizeResult.recall)}`);
      if (o.baseline) {
        sizeResult.baseline = await runBaseline(
          path,
          memory,
          embedder,
          TENANT,
          queries,
          o.actors,
          o.seriesBudgetMs,
        );
        o.log(`${size} baseline: ${JSON.stringify(sizeResult.baseline)}`);
      }
      (store as { checkpoint?: () => void }).checkpoint?.();
      sizeResult.annBytes = dirBytes(`${path}.ann`);
      result.sizes.push(sizeResult);
    }
  } finally {
    await store.close();
  }
  return result;
}
