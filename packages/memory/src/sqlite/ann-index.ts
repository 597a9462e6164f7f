import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { HierarchicalNSW } from "hnswlib-node";
import { normalizePrefix } from "../store/namespace.ts";
import type { VectorIndexInfo } from "../store/store.ts";
import type { Connection } from "./connection.ts";
import { type BruteforceClass, ScopeIndexes, scopeOf } from "./scope-index.ts";
import { SeqTable } from "./seq-table.ts";

/** Tuning of the approximate (HNSW) vector index; `false` in the store options turns it off. */
export interface AnnOptions {
  /** A tenant gets an HNSW graph once it holds this many records; smaller ones use the exact scan (5,000). */
  minVectors?: number;
  /** Candidates kept while searching (HNSW `ef`, at least `k`): recall against latency (default 400). */
  ef?: number;
  /** Graph degree (default 32) and build-time candidates (default 200). */
  m?: number;
  efConstruction?: number;
}

type HnswModule = {
  HierarchicalNSW: new (space: "cosine", dimensions: number) => HierarchicalNSW;
  BruteforceSearch: BruteforceClass;
};
let hnswModule: HnswModule | null | undefined;

/** The native HNSW addon, or null when it is not installed or does not load here (search stays exact). */
function loadHnsw(): HnswModule | null {
  if (hnswModule === undefined) {
    try {
      hnswModule = createRequire(import.meta.url)("hnswlib-node") as HnswModule;
    } catch {
      hnswModule = null;
    }
  }
  return hnswModule;
}

interface TenantGraph {
  hnsw: HierarchicalNSW;
  /** The last `memory_vec_changes` id reflected in the graph. */
  applied: number;
  /** `applied` when the graph was last written to disk. */
  saved: number;
}

interface SnapshotMeta {
  applied: number;
  dimensions: number;
  model: string;
  m: number;
  /** The graph file (in the same folder) this metadata describes. */
  file: string;
}

/**
 * An in-process HNSW graph per tenant beside the SQLite store (hnswlib-node), labelled by record `seq`. SQLite
 * stays the source of truth: every vector write also appends (tenant, seq) to `memory_vec_changes` in the same
 * transaction, and a graph replays the changes after the id it reflects (on open, after each write, before each
 * search, so writes by other connections are seen too). Only active records are in a graph; retired and deleted
 * ones are marked deleted. Graphs are saved to `<db>.ann/` (a new graph file, then a metadata rename), and a graph
 * whose snapshot is missing, stale beyond the pruned log, or unreadable is rebuilt from `memory_vec`.
 */
export class AnnIndex {
  private readonly c: Connection;
  private readonly info: VectorIndexInfo;
  private readonly dir: string | undefined;
  private readonly minVectors: number;
  private readonly ef: number;
  private readonly m: number;
  private readonly efConstruction: number;
  private readonly module: HnswModule;
  private readonly graphs = new Map<string, TenantGraph>();
  /** seq -> namespace id + 1 (0: not in a graph); seq -> 1 when the label is live in its graph. */
  private readonly namespaceOf = new SeqTable(Int32Array);
  private readonly live = new SeqTable(Uint8Array);
  private readonly namespaces: string[] = [];
  private readonly namespaceIds = new Map<string, number>();
  private readonly prefixes = new Map<string, Uint8Array>();
  private readonly scopes: ScopeIndexes;

  private constructor(
    c: Connection,
    info: VectorIndexInfo,
    dir: string | undefined,
    options: AnnOptions,
    module: HnswModule,
  ) {
    this.c = c;
    this.info = info;
    this.dir = dir;
    this.minVectors = options.minVectors ?? 5000;
    this.ef = options.ef ?? 400;
    this.m = options.m ?? 32;
    this.efConstruction = options.efConstruction ?? 200;
    this.module = module;
    this.scopes = new ScopeIndexes(c, module.BruteforceSearch, info.dimensions, this.live);
  }

  /** Undefined when the addon is missing: callers then search exactly. `dir` undefined keeps graphs in memory. */
  static create(
    c: Connection,
    info: VectorIndexInfo,
    dir: string | undefined,
    options: AnnOptions,
  ): AnnIndex | undefined {
    const module = loadHnsw();
    return module ? new AnnIndex(c, info, dir, options, module) : undefined;
  }

  /**
   * The `k` nearest active vectors of the tenant under `namespacePrefix`, nearest first; undefined when the tenant
   * is too small for a graph (the caller scans exactly).
   */
  search(
    tenantId: string,
    vector: readonly number[],
    k: number,
    namespacePrefix?: string,
  ): { seq: number; distance: number }[] | undefined {
    const graph = this.graph(tenantId);
    if (!graph) return undefined;
    this.sync(tenantId, graph);
    const prefix = namespacePrefix === undefined ? "/" : normalizePrefix(namespacePrefix);
    const allowed = this.allowedNamespaces(prefix);
    const ids = this.namespaceOf;
    const filter = allowed ? (label: number) => allowed[ids.get(label) - 1] === 1 : undefined;
    // One actor's memory (or part of it): an exact scan of that scope's vectors.
    const scope = scopeOf(prefix);
    if (scope !== undefined) {
      const pointOf = (seq: number) => graph.hnsw.getPoint(seq);
      return this.scopes.search(tenantId, scope, vector, k, prefix === scope ? undefined : filter, pointOf);
    }
    const n = Math.min(k, graph.hnsw.getMaxElements());
    graph.hnsw.setEf(Math.max(this.ef, n));
    const result = graph.hnsw.searchKnn(vector as number[], n, filter);
    return result.neighbors.map((seq, i) => ({ seq, distance: result.distances[i]! }));
  }

  /** Brings loaded graphs (of one tenant, or all) up to date after a write; others catch up when first searched. */
  afterWrite(tenantId?: string): void {
    for (const [tenant, graph] of this.graphs) {
      if (tenantId !== undefined && tenant !== tenantId) continue;
      try {
        this.sync(tenant, graph);
      } catch {
        // The write is committed; a graph that could not follow it is dropped and reloaded on the next search.
        this.graphs.delete(tenant);
        this.scopes.clear();
      }
    }
  }

  /** Writes every graph that changed since its last save, then prunes the change log they no longer need. */
  save(): void {
    for (const [tenantId, graph] of this.graphs) this.saveGraph(tenantId, graph);
  }

  private graph(tenantId: string): TenantGraph | undefined {
    const loaded = this.graphs.get(tenantId);
    if (loaded) return loaded;
    const count = this.c.get("SELECT count(*) AS n FROM memory_records WHERE tenant_id = ?", tenantId)!
      .n as number;
    if (count < this.minVectors) return undefined;
    const graph = this.load(tenantId) ?? this.build(tenantId);
    this.graphs.set(tenantId, graph);
    return graph;
  }

  /** The tenant's metadata file; it names the graph file it describes (its rename commits a save). */
  private metaFile(tenantId: string): string | undefined {
    return this.dir ? join(this.dir, `${Buffer.from(tenantId).toString("hex")}.json`) : undefined;
  }

  private pruned(tenantId: string): number {
    const row = this.c.get("SELECT value FROM memory_settings WHERE key = ?", `ann_pruned:${tenantId}`);
    return row ? Number(row.value) : 0;
  }

  private load(tenantId: string): TenantGraph | undefined {
    const metaFile = this.metaFile(tenantId);
    if (!metaFile || !existsSync(metaFile)) return undefined;
    try {
      const meta = JSON.parse(readFileSync(metaFile, "utf8")) as SnapshotMeta;
      const compatible =
        meta.dimensions === this.info.dimensions && meta.model === this.info.model && meta.m === this.m;
      if (!compatible || meta.applied < this.pruned(tenantId)) return undefined;
      const hnsw = new this.module.HierarchicalNSW("cosine", this.info.dimensions);
      hnsw.readIndexSync(join(this.dir!, meta.file));
      const graph: TenantGraph = { hnsw, applied: meta.applied, saved: meta.applied };
      // A label's state in the snapshot is its state now unless it changed later (then `sync` replays it).
      const rows = this.c.all(
        "SELECT seq, namespace FROM memory_records WHERE tenant_id = ? AND status = 'active'",
        tenantId,
      );
      for (const row of rows) this.track(row.seq as number, row.namespace as string);
      for (const label of hnsw.getIdsList()) {
        if (this.namespaceOf.get(label) === 0) this.removeLabel(graph, label);
        else this.live.set(label, 1);
      }
      this.sync(tenantId, graph);
      return graph;
    } catch {
      return undefined;
    }
  }

  private build(tenantId: string): TenantGraph {
    const c = this.c;
    const own = !c.db.isTransaction;
    if (own) c.db.exec("BEGIN");
    try {
      const applied =
        (c.get("SELECT max(id) AS id FROM memory_vec_changes WHERE tenant_id = ?", tenantId)!.id as
          | number
          | null) ?? 0;
      const rows = c.all(
        `SELECT r.seq, r.namespace, v.embedding FROM memory_records r CROSS JOIN memory_vec v ON v.seq = r.seq
         WHERE r.tenant_id = ? AND r.status = 'active'`,
        tenantId,
      );
      const hnsw = new this.module.HierarchicalNSW("cosine", this.info.dimensions);
      hnsw.initIndex({
        maxElements: Math.max(1024, Math.ceil(rows.length * 1.25)),
        m: this.m,
        efConstruction: this.efConstruction,
        randomSeed: 100,
      });
      const graph: TenantGraph = { hnsw, applied, saved: -1 };
      for (const row of rows)
        this.put(tenantId, graph, row.seq as number, row.namespace as string, row.embedding as Uint8Array);
      return graph;
    } finally {
      if (own) c.db.exec("COMMIT");
    }
  }

  /** Replays the tenant's changes after `graph.applied` from the current database state (idempotent). */
  private sync(tenantId: string, graph: TenantGraph): void {
    const c = this.c;
    const last =
      (c.get("SELECT max(id) AS id FROM memory_vec_changes WHERE tenant_id = ?", tenantId)!.id as
        | number
        | null) ?? 0;
    if (last <= graph.applied) return;
    if (graph.applied < this.pruned(tenantId)) {
      // Another connection pruned changes this graph never saw: start over from the table.
      this.scopes.clear();
      Object.assign(graph, this.build(tenantId));
      return;
    }
    const changes = c.all(
      "SELECT DISTINCT seq FROM memory_vec_changes WHERE tenant_id = ? AND id > ? AND id <= ?",
      tenantId,
      graph.applied,
      last,
    );
    for (const change of changes) {
      const seq = change.seq as number;
      const row = c.get(
        `SELECT r.namespace, v.embedding FROM memory_records r CROSS JOIN memory_vec v ON v.seq = r.seq
         WHERE r.seq = ? AND r.tenant_id = ? AND r.status = 'active'`,
        seq,
        tenantId,
      );
      if (row) this.put(tenantId, graph, seq, row.namespace as string, row.embedding as Uint8Array);
      else if (this.live.get(seq) === 1) this.removeLabel(graph, seq);
    }
    graph.applied = last;
    if (graph.applied - graph.saved >= Math.max(10_000, graph.hnsw.getCurrentCount() / 2)) {
      try {
        this.saveGraph(tenantId, graph);
      } catch {
        // Best effort (e.g. disk full): the change log still covers everything; the next save retries.
      }
    }
  }

  private track(seq: number, namespace: string): void {
    let id = this.namespaceIds.get(namespace);
    if (id === undefined) {
      id = this.namespaces.push(namespace) - 1;
      this.namespaceIds.set(namespace, id);
    }
    this.namespaceOf.set(seq, id + 1);
  }

  private put(tenantId: string, graph: TenantGraph, seq: number, namespace: string, blob: Uint8Array): void {
    const vector = Array.from(new Float32Array(blob.buffer, blob.byteOffset, blob.byteLength / 4));
    if (graph.hnsw.getCurrentCount() >= graph.hnsw.getMaxElements())
      graph.hnsw.resizeIndex(Math.ceil(graph.hnsw.getMaxElements() * 1.5));
    graph.hnsw.addPoint(vector, seq);
    this.live.set(seq, 1);
    this.track(seq, namespace);
    this.scopes.put(tenantId, namespace, seq, vector);
  }

  private removeLabel(graph: TenantGraph, seq: number): void {
    try {
      graph.hnsw.markDelete(seq);
    } catch {
      // Not in this graph, or already deleted.
    }
    this.live.set(seq, 0);
    this.namespaceOf.set(seq, 0);
  }

  /** Per namespace id, 1 when it lies under the (normalized) prefix; undefined for `/` (everything). */
  private allowedNamespaces(normalized: string): Uint8Array | undefined {
    if (normalized === "/") return undefined;
    const cached = this.prefixes.get(normalized);
    if (cached && cached.length === this.namespaces.length) return cached;
    const allowed = new Uint8Array(this.namespaces.length);
    this.namespaces.forEach((namespace, id) => {
      if (namespace === normalized || namespace.startsWith(`${normalized}/`)) allowed[id] = 1;
    });
    if (this.prefixes.size >= 1024) this.prefixes.clear();
    this.prefixes.set(normalized, allowed);
    return allowed;
  }

  private saveGraph(tenantId: string, graph: TenantGraph): void {
    const metaFile = this.metaFile(tenantId);
    if (!metaFile || graph.applied === graph.saved) return;
    mkdirSync(this.dir!, { recursive: true });
    // A new graph file per save, named by writer; renaming the metadata that names it is the commit, so two
    // processes saving the same tenant, or a crash mid-save, never pair a graph with another's metadata.
    const hex = Buffer.from(tenantId).toString("hex");
    const file = `${hex}.${graph.applied}.${process.pid}.hnsw`;
    const meta: SnapshotMeta = {
      applied: graph.applied,
      dimensions: this.info.dimensions,
      model: this.info.model,
      m: this.m,
      file,
    };
    let previous: string | undefined;
    try {
      previous = (JSON.parse(readFileSync(metaFile, "utf8")) as SnapshotMeta).file;
    } catch {
      previous = undefined;
    }
    const tmp = `${metaFile}.${process.pid}.tmp`;
    try {
      graph.hnsw.writeIndexSync(join(this.dir!, file));
      writeFileSync(tmp, JSON.stringify(meta));
      renameSync(tmp, metaFile);
    } catch (error) {
      rmSync(join(this.dir!, file), { force: true });
      rmSync(tmp, { force: true });
      throw error;
    }
    if (previous && previous !== file) rmSync(join(this.dir!, previous), { force: true });
    graph.saved = graph.applied;
    this.c.transaction(() => {
      this.c.run("DELETE FROM memory_vec_changes WHERE tenant_id = ? AND id <= ?", tenantId, graph.applied);
      this.c.run(
        `INSERT INTO memory_settings (key, value) VALUES (?, ?)
         ON CONFLICT (key) DO UPDATE SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))`,
        `ann_pruned:${tenantId}`,
        String(graph.applied),
      );
    });
  }
}
