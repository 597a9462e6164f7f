import { DatabaseSync } from "node:sqlite";
import * as sqliteVec from "sqlite-vec";
import { InvalidMemoryInputError, VectorIndexMissingError } from "../store/errors.ts";
import { normalizePrefix } from "../store/namespace.ts";
import type { MemoryStore, VectorIndexInfo } from "../store/store.ts";
import type {
  ExtractionJob,
  ExtractionJobPatch,
  ExtractionJobQuery,
  MemoryChange,
  MemoryFilter,
  MemoryListQuery,
  MemoryPage,
  MemoryRecord,
  MemoryWriteOp,
  MemoryWriteResult,
  NewExtractionJob,
  RankedHit,
} from "../store/types.ts";
import { AnnIndex, type AnnOptions } from "./ann-index.ts";
import { Connection, type Row } from "./connection.ts";
import { filterWhere, namespaceClause } from "./filter-sql.ts";
import * as jobSql from "./jobs-sql.ts";
import { migrateMemory } from "./migrations.ts";
import { changeFromRow, decodeCursor, encodeCursor, recordFromRow } from "./rows.ts";
import { TextSearch, type TextSearchOptions } from "./text-search.ts";
import { MAX_KNN, VectorIndex } from "./vector-index.ts";
import { deleteRows, RecordWriter } from "./writes.ts";

export interface SqliteMemoryStoreOptions {
  /** A file path, or `:memory:`. */
  path: string;
  /** Creates the vector index on first open; later opens check it matches. Leave out for text search only. */
  vectors?: VectorIndexInfo;
  /** How long a writer waits for another connection's lock (default 5 s). */
  busyTimeoutMs?: number;
  /** Clock for timestamps and expiry (default `Date.now`). */
  now?: () => number;
  /**
   * The approximate vector index (HNSW per tenant, saved beside a file store in `<path>.ann/`), used for active
   * records once a tenant is large enough; `false` keeps every vector search exact.
   */
  ann?: AnnOptions | false;
  /** Bounds on the work of one BM25 query. */
  text?: TextSearchOptions;
}

const clampLimit = (limit: number | undefined, fallback: number, max: number): number =>
  Math.min(Math.max(Math.floor(limit ?? fallback), 1), max);

/** Opens (creating and migrating when needed) a memory store on `node:sqlite` with FTS5 and sqlite-vec. */
export function openSqliteMemoryStore(options: SqliteMemoryStoreOptions): SqliteMemoryStore {
  return new SqliteMemoryStore(options);
}

/**
 * The embedded memory store. `node:sqlite` is synchronous, so each method runs to completion without
 * interleaving inside this process; WAL plus `BEGIN IMMEDIATE` transactions serialise writers across processes.
 * `secure_delete` and FTS5's `secure-delete` make deletions overwrite the removed text instead of leaving it in
 * free pages or old index segments.
 */
export class SqliteMemoryStore implements MemoryStore {
  readonly db: DatabaseSync;
  readonly vectorIndex: VectorIndexInfo | undefined;
  private readonly c: Connection;
  private readonly vectors: VectorIndex | undefined;
  private readonly ann: AnnIndex | undefined;
  private readonly text: TextSearch;

  constructor(options: SqliteMemoryStoreOptions) {
    this.db = new DatabaseSync(options.path, {
      timeout: options.busyTimeoutMs ?? 5000,
      allowExtension: true,
    });
    try {
      this.db.loadExtension(sqliteVec.getLoadablePath());
      if (options.path !== ":memory:") this.db.exec("PRAGMA journal_mode = WAL");
      // NORMAL in WAL mode survives a process crash (kill -9); only an OS crash may lose the last commits.
      this.db.exec("PRAGMA synchronous = NORMAL; PRAGMA secure_delete = ON");
      this.c = new Connection(this.db, options.now ?? Date.now);
      this.text = new TextSearch(this.c, options.text);
      migrateMemory(this.db, undefined, this.c.now());
      this.vectors = VectorIndex.open(this.c, options.vectors);
      this.vectorIndex = this.vectors?.info;
      this.ann =
        this.vectors && options.ann !== false
          ? AnnIndex.create(
              this.c,
              this.vectors.info,
              options.path === ":memory:" ? undefined : `${options.path}.ann`,
              options.ann ?? {},
            )
          : undefined;
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  async apply(
    tenantId: string,
    ops: MemoryWriteOp[],
    context: { jobId?: string } = {},
  ): Promise<MemoryWriteResult> {
    RecordWriter.validate(ops, this.vectors);
    const result = this.c.transaction(() =>
      new RecordWriter(this.c, this.vectors, tenantId, context.jobId).applyAll(ops),
    );
    this.ann?.afterWrite(tenantId);
    return result;
  }

  async get(tenantId: string, id: string): Promise<MemoryRecord | undefined> {
    const row = this.c.get("SELECT * FROM memory_records WHERE tenant_id = ? AND id = ?", tenantId, id);
    return row ? recordFromRow(row) : undefined;
  }

  async list(tenantId: string, query: MemoryListQuery = {}): Promise<MemoryPage> {
    const where = filterWhere(tenantId, query, this.c.now());
    if (query.cursor !== undefined) {
      const cursor = decodeCursor(query.cursor);
      if (!cursor) throw new InvalidMemoryInputError("Invalid cursor");
      where.add("(r.created_at < ? OR (r.created_at = ? AND r.id < ?))", cursor[0], cursor[0], cursor[1]);
    }
    const limit = clampLimit(query.limit, 50, 500);
    const rows = this.c.all(
      `SELECT r.* FROM memory_records r WHERE ${where} ORDER BY r.created_at DESC, r.id DESC LIMIT ?`,
      ...where.params,
      limit + 1,
    );
    const records = rows.slice(0, limit).map(recordFromRow);
    const last = records[records.length - 1];
    return rows.length > limit && last
      ? { records, nextCursor: encodeCursor(last.createdAt, last.id) }
      : { records };
  }

  async history(tenantId: string, id: string): Promise<MemoryChange[]> {
    return this.c
      .all("SELECT * FROM memory_history WHERE tenant_id = ? AND record_id = ? ORDER BY seq", tenantId, id)
      .map(changeFromRow);
  }

  async searchText(
    tenantId: string,
    text: string,
    filter: MemoryFilter = {},
    limit?: number,
  ): Promise<RankedHit[]> {
    return this.text.search(tenantId, text, filter, clampLimit(limit, 10, 1000));
  }

  async searchVector(
    tenantId: string,
    vector: number[],
    filter: MemoryFilter = {},
    limit?: number,
  ): Promise<RankedHit[]> {
    if (!this.vectors) throw new VectorIndexMissingError();
    const want = clampLimit(limit, 10, 1000);
    const status = filter.status === "any" ? undefined : (filter.status ?? "active");
    const where = filterWhere(tenantId, filter, this.c.now());
    const hydrate = (neighbours: { seq: number; distance: number }[]): Row[] =>
      neighbours.length === 0
        ? []
        : this.c.all(
            // CROSS JOIN pins the join order: row-id lookups per hit, not a scan of the tenant's rows.
            `SELECT r.* FROM json_each(?) AS j CROSS JOIN memory_records r ON r.seq = j.value WHERE ${where}`,
            JSON.stringify(neighbours.map((n) => n.seq)),
            ...where.params,
          );
    const ranked = (neighbours: { seq: number; distance: number }[], rows: Row[]): RankedHit[] => {
      const distance = new Map(neighbours.map((n) => [n.seq, n.distance]));
      return rows
        .map((row) => ({ row, distance: distance.get(row.seq as number)! }))
        .sort((a, b) => a.distance - b.distance || (a.row.seq as number) - (b.row.seq as number))
        .slice(0, want)
        .map((hit, i) => ({ record: recordFromRow(hit.row), rank: i + 1, score: hit.distance }));
    };
    // Approximate first (active records of a large tenant): the namespace prefix is applied inside the graph
    // search, the other filters after it, widening k while too few hits pass them.
    if (this.ann && status === "active") {
      for (let k = want; ; k = Math.min(MAX_KNN, k * 4)) {
        const neighbours = this.ann.search(tenantId, vector, k, filter.namespacePrefix);
        if (!neighbours) break;
        const rows = hydrate(neighbours);
        if (rows.length >= want || neighbours.length < k || k >= MAX_KNN) return ranked(neighbours, rows);
      }
    }
    // Exact: KNN first, then the other filters; widen k until enough hits pass them or the index is exhausted.
    let k = Math.min(MAX_KNN, Math.max(want * 4, 32));
    for (;;) {
      const neighbours = this.vectors.knn(tenantId, vector, k, status);
      const rows = hydrate(neighbours);
      if (rows.length >= want || neighbours.length < k || k >= MAX_KNN) return ranked(neighbours, rows);
      k = Math.min(MAX_KNN, k * 4);
    }
  }

  async deleteRecord(tenantId: string, id: string): Promise<number> {
    const deleted = this.c.transaction(() => {
      const doomed: { tenantId: string; id: string; seq: number }[] = [];
      let next: string | undefined = id;
      // The record and every older version it superseded.
      while (next !== undefined && !doomed.some((d) => d.id === next)) {
        const row = this.c.get(
          "SELECT seq, id, supersedes FROM memory_records WHERE tenant_id = ? AND id = ?",
          tenantId,
          next,
        );
        if (!row) break;
        doomed.push({ tenantId, id: row.id as string, seq: row.seq as number });
        next = (row.supersedes as string | null) ?? undefined;
      }
      deleteRows(this.c, this.vectors, doomed);
      return doomed.length;
    });
    this.ann?.afterWrite(tenantId);
    return deleted;
  }

  async deleteNamespace(tenantId: string, namespacePrefix: string): Promise<number> {
    const prefix = normalizePrefix(namespacePrefix);
    const where = filterWhere(tenantId, { namespacePrefix: prefix, status: "any", includeExpired: true }, 0);
    const deleted = this.c.transaction(() => {
      const rows = this.c
        .all(`SELECT r.seq, r.id FROM memory_records r WHERE ${where}`, ...where.params)
        .map((row) => ({ tenantId, id: row.id as string, seq: row.seq as number }));
      deleteRows(this.c, this.vectors, rows);
      const jobs = namespaceClause("namespace", prefix);
      if (jobs)
        this.c.run(`DELETE FROM memory_jobs WHERE tenant_id = ? AND ${jobs.sql}`, tenantId, ...jobs.params);
      else this.c.run("DELETE FROM memory_jobs WHERE tenant_id = ?", tenantId);
      return rows.length;
    });
    this.ann?.afterWrite(tenantId);
    return deleted;
  }

  async purgeExpired(now: number, limit = 1000): Promise<number> {
    const purged = this.c.transaction(() => {
      const rows = this.c
        .all(
          "SELECT tenant_id, id, seq FROM memory_records WHERE expires_at IS NOT NULL AND expires_at <= ? LIMIT ?",
          now,
          clampLimit(limit, 1000, 100_000),
        )
        .map((row) => ({ tenantId: row.tenant_id as string, id: row.id as string, seq: row.seq as number }));
      deleteRows(this.c, this.vectors, rows);
      return rows.length;
    });
    if (purged > 0) this.ann?.afterWrite();
    return purged;
  }

  async createJob(tenantId: string, job: NewExtractionJob): Promise<ExtractionJob> {
    return jobSql.createJob(this.c, tenantId, job);
  }
  async updateJob(tenantId: string, id: string, patch: ExtractionJobPatch): Promise<ExtractionJob> {
    return jobSql.updateJob(this.c, tenantId, id, patch);
  }
  async getJob(tenantId: string, id: string): Promise<ExtractionJob | undefined> {
    return jobSql.getJob(this.c, tenantId, id);
  }
  async listJobs(tenantId: string, query?: ExtractionJobQuery): Promise<ExtractionJob[]> {
    return jobSql.listJobs(this.c, tenantId, query);
  }

  /** Saves the approximate index's graphs that changed (also done on close and every so many changes). */
  checkpoint(): void {
    this.ann?.save();
  }

  async close(): Promise<void> {
    if (!this.db.isOpen) return;
    try {
      this.ann?.save();
    } finally {
      this.db.close();
    }
  }
}
