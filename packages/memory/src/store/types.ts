import type { ErrorInfo } from "@skein/core";

/** The built-in kinds; any other string is a custom kind. */
export type BuiltInMemoryKind = "fact" | "summary" | "preference" | "episode";
export type MemoryKind = BuiltInMemoryKind | (string & {});

export type MemoryStatus = "active" | "retired";

/** Where a record came from: the session and the session events it was drawn from. */
export interface Provenance {
  sessionId?: string;
  runId?: string;
  /** Ids of the session events (or messages) the record was drawn from. */
  eventIds: string[];
  /** The extraction strategy that produced it, or `manual` / `tool`. */
  source?: string;
  /** The extraction job that wrote it. */
  jobId?: string;
}

export interface MemoryRecord {
  id: string;
  tenantId: string;
  /** e.g. `/tenants/acme/actors/u-42/facts`. Prefix filters match whole segments. */
  namespace: string;
  kind: MemoryKind;
  text: string;
  provenance: Provenance;
  metadata?: Record<string, unknown>;
  /** Epoch milliseconds. */
  createdAt: number;
  updatedAt: number;
  expiresAt?: number;
  status: MemoryStatus;
  /** Why the record was retired (`updated`, `contradicted`, `manual`...). */
  retiredReason?: string;
  /** The older record this one replaced. */
  supersedes?: string;
  /** The newer record that replaced this one. */
  supersededBy?: string;
}

export interface NewMemoryRecord {
  /** Generated when absent. */
  id?: string;
  namespace: string;
  kind: MemoryKind;
  text: string;
  provenance?: Partial<Provenance>;
  metadata?: Record<string, unknown>;
  /** Defaults to the store's clock (set it to import older records). */
  createdAt?: number;
  expiresAt?: number;
}

/** An in-place edit; the previous text is kept in the record's history. */
export interface MemoryPatch {
  text?: string;
  kind?: MemoryKind;
  metadata?: Record<string, unknown>;
  /** `null` removes the expiry. */
  expiresAt?: number | null;
}

/**
 * One write in an atomic batch. `embedding`, when given, goes to the vector index with the record; a record
 * written without one is still found by text search.
 */
export type MemoryWriteOp =
  | { op: "create"; record: NewMemoryRecord; embedding?: number[] }
  | { op: "update"; id: string; patch: MemoryPatch; embedding?: number[]; reason?: string }
  /** Retires `id` and creates `record` as its new version, linked both ways. */
  | {
      op: "supersede";
      id: string;
      record: NewMemoryRecord;
      embedding?: number[];
      reason: "updated" | "contradicted";
    }
  | { op: "retire"; id: string; reason: string };

export interface MemoryWriteResult {
  created: MemoryRecord[];
  updated: MemoryRecord[];
  retired: MemoryRecord[];
}

export type MemoryChangeAction = "created" | "updated" | "retired" | "superseded";

/** One entry of a record's history, oldest first. */
export interface MemoryChange {
  recordId: string;
  seq: number;
  action: MemoryChangeAction;
  at: number;
  /** The text before an in-place update. */
  previousText?: string;
  /** The record that replaced this one (`superseded`) or that this one replaced (`created`). */
  relatedId?: string;
  reason?: string;
  jobId?: string;
}

/** Filters shared by listing and searching. Expired records are left out unless `includeExpired`. */
export interface MemoryFilter {
  /** Whole-segment prefix: `/t/a` matches `/t/a` and `/t/a/facts`, never `/t/ab`. */
  namespacePrefix?: string;
  kinds?: MemoryKind[];
  /** Default `active`. */
  status?: MemoryStatus | "any";
  /** Inclusive lower and exclusive upper bound on `createdAt`. */
  createdAfter?: number;
  createdBefore?: number;
  includeExpired?: boolean;
}

export interface MemoryListQuery extends MemoryFilter {
  /** Default 50, at most 500. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export interface MemoryPage {
  records: MemoryRecord[];
  nextCursor?: string;
}

/** A ranked hit of one index: rank 1 is the best. */
export interface RankedHit {
  record: MemoryRecord;
  rank: number;
  /** BM25 score (lower is better, as SQLite reports it) or cosine distance. */
  score: number;
}

export type ExtractionJobStatus = "queued" | "running" | "succeeded" | "failed";
export type ExtractionTrigger = "turns" | "session-end" | "manual";

/** What one job did, by record id (never the text, so deleting a record leaves no copy here). */
export interface ExtractionOutcome {
  created: string[];
  updated: { from: string; to: string }[];
  contradicted: { from: string; to: string }[];
  /** Candidates that duplicated an existing record (no write). */
  duplicates: string[];
}

export interface ExtractionJob {
  id: string;
  tenantId: string;
  namespace: string;
  sessionId?: string;
  trigger: ExtractionTrigger;
  strategies: string[];
  messageCount: number;
  status: ExtractionJobStatus;
  createdAt: number;
  startedAt?: number;
  endedAt?: number;
  outcome?: ExtractionOutcome;
  error?: ErrorInfo;
}

export interface NewExtractionJob {
  id?: string;
  namespace: string;
  sessionId?: string;
  trigger: ExtractionTrigger;
  strategies: string[];
  messageCount: number;
}

export type ExtractionJobPatch =
  | { status: "running" }
  | { status: "succeeded"; outcome: ExtractionOutcome }
  | { status: "failed"; error: ErrorInfo; outcome?: ExtractionOutcome };

export interface ExtractionJobQuery {
  sessionId?: string;
  status?: ExtractionJobStatus;
  limit?: number;
}
