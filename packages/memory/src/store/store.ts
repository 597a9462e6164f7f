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
} from "./types.ts";

/** The vector index a store was opened with: vectors from another model or size do not mix. */
export interface VectorIndexInfo {
  dimensions: number;
  /** The embedding model's id, e.g. `text-embedding-v4`. */
  model: string;
}

/**
 * The long-term memory storage contract. Every adapter (SQLite now, PostgreSQL later) passes
 * `runMemoryStoreConformance`. Every method takes the tenant id and never sees another tenant's rows, except the
 * one cross-tenant sweep (`purgeExpired`), which says so. Timestamps are epoch milliseconds.
 */
export interface MemoryStore {
  /** Undefined when the store keeps no vectors (text search only). */
  readonly vectorIndex: VectorIndexInfo | undefined;

  /**
   * Applies the writes in order, atomically: all or nothing. Throws `MemoryRecordNotFoundError` when an op names
   * a record the tenant does not have (or, for `supersede` and `retire`, one already retired), and
   * `VectorDimensionError` for an embedding of the wrong size. With `jobId`, the writes are the job's: refused
   * with `ExtractionJobNotFoundError` when the job no longer exists (its namespace was deleted while it ran).
   */
  apply(tenantId: string, ops: MemoryWriteOp[], context?: { jobId?: string }): Promise<MemoryWriteResult>;
  /** Any status; expired records too (callers decide what to show). */
  get(tenantId: string, id: string): Promise<MemoryRecord | undefined>;
  /** Newest first (by `createdAt`, then id). */
  list(tenantId: string, query?: MemoryListQuery): Promise<MemoryPage>;
  /** The record's changes, oldest first; empty when it does not exist. */
  history(tenantId: string, id: string): Promise<MemoryChange[]>;

  /**
   * Full-text search ranked by BM25. `text` is plain user text: it is never parsed as query syntax. Matches any
   * of its words; more matching, rarer words rank higher.
   */
  searchText(tenantId: string, text: string, filter?: MemoryFilter, limit?: number): Promise<RankedHit[]>;
  /** Nearest neighbours by cosine distance. Throws `VectorIndexMissingError` when the store keeps no vectors. */
  searchVector(
    tenantId: string,
    vector: number[],
    filter?: MemoryFilter,
    limit?: number,
  ): Promise<RankedHit[]>;

  /**
   * Deletes the record and the older versions it superseded, from every table and index (base rows, history,
   * text index, vector index) in one transaction. Returns how many records were removed (0 when absent).
   */
  deleteRecord(tenantId: string, id: string): Promise<number>;
  /** Deletes every record under the namespace prefix (an actor, say), with its history, indexes and jobs. */
  deleteNamespace(tenantId: string, namespacePrefix: string): Promise<number>;
  /** Cross-tenant sweep: deletes records whose `expiresAt` is <= `now`. Returns how many. */
  purgeExpired(now: number, limit?: number): Promise<number>;

  // Extraction jobs (observable through the API)
  createJob(tenantId: string, job: NewExtractionJob): Promise<ExtractionJob>;
  /** Moves the job on; throws `ExtractionJobNotFoundError` when absent. */
  updateJob(tenantId: string, id: string, patch: ExtractionJobPatch): Promise<ExtractionJob>;
  getJob(tenantId: string, id: string): Promise<ExtractionJob | undefined>;
  /** Newest first. */
  listJobs(tenantId: string, query?: ExtractionJobQuery): Promise<ExtractionJob[]>;

  close(): Promise<void>;
}
