import type { BruteforceSearch } from "hnswlib-node";
import type { Connection } from "./connection.ts";
import type { SeqTable } from "./seq-table.ts";

/** Namespace segments that make a scope: `/tenants/{t}/actors/{actor}`, what the memory plugin searches. */
const SCOPE_DEPTH = 4;
/** Most vectors held by loaded scopes, all tenants together; the least recently searched are dropped first. */
const MAX_LOADED_VECTORS = 2_000_000;

export type BruteforceClass = new (space: "cosine", dimensions: number) => BruteforceSearch;

/** The scope of a namespace or prefix (its first `SCOPE_DEPTH` segments), undefined when it has fewer. */
export function scopeOf(namespace: string): string | undefined {
  let at = 0;
  for (let depth = 0; depth < SCOPE_DEPTH; depth++) {
    at = namespace.indexOf("/", at + 1);
    if (at === -1) return depth === SCOPE_DEPTH - 1 ? namespace : undefined;
  }
  return namespace.slice(0, at);
}

interface Scope {
  index: BruteforceSearch;
  /** Labels added (live or since deleted), and the capacity. */
  count: number;
  capacity: number;
}

/**
 * Exact vectors per scope (one actor's memory), loaded from SQLite on the first search under it and kept up to date
 * by the HNSW graph's replay, so an actor-scoped search scans only that actor's vectors (hnswlib's SIMD brute
 * force) instead of filtering a tenant-wide graph where nearly every node belongs to someone else. Deleted labels
 * stay in place until the scope is reloaded, and are filtered out through `live`.
 */
export class ScopeIndexes {
  private readonly c: Connection;
  private readonly Bruteforce: BruteforceClass;
  private readonly dimensions: number;
  private readonly live: SeqTable<Uint8Array>;
  /** Keyed by tenant and scope; Map order is recency (re-inserted on use). */
  private readonly scopes = new Map<string, Scope>();
  private loaded = 0;

  constructor(c: Connection, Bruteforce: BruteforceClass, dimensions: number, live: SeqTable<Uint8Array>) {
    this.c = c;
    this.Bruteforce = Bruteforce;
    this.dimensions = dimensions;
    this.live = live;
  }

  /** The `k` nearest live vectors of the scope that pass `allowed`, nearest first. */
  search(
    tenantId: string,
    scope: string,
    vector: readonly number[],
    k: number,
    allowed: ((seq: number) => boolean) | undefined,
    pointOf: (seq: number) => number[],
  ): { seq: number; distance: number }[] {
    const entry = this.scope(tenantId, scope, pointOf);
    const n = Math.min(k, entry.count);
    if (n <= 0) return [];
    const live = this.live;
    const result = entry.index.searchKnn(vector as number[], n, (seq: number) =>
      live.get(seq) === 1 ? (allowed ? allowed(seq) : true) : false,
    );
    return result.neighbors.map((seq, i) => ({ seq, distance: result.distances[i]! }));
  }

  /** Adds or replaces a vector in its scope, when that scope is loaded. */
  put(tenantId: string, namespace: string, seq: number, vector: number[]): void {
    const scope = scopeOf(namespace);
    const key = scope === undefined ? undefined : `${tenantId}\u0000${scope}`;
    const entry = key === undefined ? undefined : this.scopes.get(key);
    if (!entry || key === undefined) return;
    if (entry.count >= entry.capacity) {
      // Full: reload from the table on the next search (the caller marks `seq` live before that).
      this.drop(key);
      return;
    }
    entry.index.addPoint(vector, seq);
    entry.count = entry.index.getCurrentCount();
  }

  clear(): void {
    this.scopes.clear();
    this.loaded = 0;
  }

  private drop(key: string): void {
    const entry = this.scopes.get(key);
    if (!entry) return;
    this.scopes.delete(key);
    this.loaded -= entry.capacity;
  }

  /** The scope's index, loaded on first use: its live records' `seq` from SQLite, their vectors from the graph. */
  private scope(tenantId: string, scope: string, pointOf: (seq: number) => number[]): Scope {
    const key = `${tenantId}\u0000${scope}`;
    const cached = this.scopes.get(key);
    if (cached) {
      this.scopes.delete(key);
      this.scopes.set(key, cached);
      return cached;
    }
    const rows = this.c.all(
      `SELECT r.seq FROM memory_records r
       WHERE r.tenant_id = ? AND (r.namespace = ? OR (r.namespace >= ? AND r.namespace < ?)) AND r.status = 'active'`,
      tenantId,
      scope,
      `${scope}/`,
      `${scope}0`,
    );
    const capacity = Math.max(256, Math.ceil(rows.length * 1.5));
    const index = new this.Bruteforce("cosine", this.dimensions);
    index.initIndex(capacity);
    for (const row of rows) {
      const seq = row.seq as number;
      if (this.live.get(seq) !== 1) continue;
      try {
        index.addPoint(pointOf(seq), seq);
      } catch {
        // Marked deleted in the graph (an active record whose vector was removed): not searchable by vector.
      }
    }
    const entry: Scope = { index, count: index.getCurrentCount(), capacity };
    for (const [old] of this.scopes) {
      if (this.loaded + capacity <= MAX_LOADED_VECTORS) break;
      this.drop(old);
    }
    this.scopes.set(key, entry);
    this.loaded += capacity;
    return entry;
  }
}
