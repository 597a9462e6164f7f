import type { ErrorInfo, Message, Usage } from "@skein/core";

/**
 * The runtime's storage contract. Every adapter (SQLite now, PostgreSQL later) passes the same conformance suite
 * (`packages/runtime/test/store/conformance.ts`). Reads and writes take the tenant id and never see another
 * tenant's rows; the few cross-tenant operations (key lookup for authentication, expiry sweeps, crash recovery)
 * say so in their names. Timestamps are epoch milliseconds.
 */
export interface Store {
  // Tenants
  /** Creates the tenant; throws `AlreadyExistsError` when the id is taken. */
  createTenant(tenant: NewTenant): Promise<Tenant>;
  /** Creates the tenant when absent and returns it (used by `skein keys create` and dev mode). */
  ensureTenant(tenant: NewTenant): Promise<Tenant>;
  getTenant(id: string): Promise<Tenant | undefined>;
  listTenants(): Promise<Tenant[]>;

  // API keys (only their hash is stored)
  createApiKey(key: NewApiKey): Promise<ApiKeyRecord>;
  /** Cross-tenant: finds a key by its public id, to authenticate a request. */
  findApiKeyForAuth(id: string): Promise<ApiKeyRecord | undefined>;
  listApiKeys(tenantId: string): Promise<ApiKeyRecord[]>;
  /** Marks the key revoked; false when the tenant has no such key. Revoking twice keeps the first time. */
  revokeApiKey(tenantId: string, id: string, at?: number): Promise<boolean>;

  // Sessions
  /** Throws `AlreadyExistsError` when the tenant already has a session with this id. */
  createSession(session: NewSession): Promise<Session>;
  getSession(tenantId: string, id: string): Promise<Session | undefined>;
  /** Newest first. `cursor` is the `nextCursor` of the previous page. */
  listSessions(tenantId: string, query?: SessionQuery): Promise<Page<Session>>;
  /** Records activity: sets `updatedAt` and `expiresAt`. Undefined when the session does not exist. */
  touchSession(
    tenantId: string,
    id: string,
    times: { at: number; expiresAt: number },
  ): Promise<Session | undefined>;
  /**
   * Deletes the session with its events, runs and idempotency records. False when absent; throws
   * `SessionBusyError` while one of its runs is running.
   */
  deleteSession(tenantId: string, id: string): Promise<boolean>;
  /**
   * Cross-tenant sweep: marks active sessions whose `expiresAt` is <= `now` as expired and returns them. Sessions
   * with a running run are left alone.
   */
  expireSessions(now: number, limit?: number): Promise<Session[]>;
  /**
   * Creates session `fork.id` as a branch of the tenant's session `sourceId` at its event `fork.atSeq`, in one
   * transaction: the branch's event log is a copy of the source's events 1..atSeq (same numbers, run ids, data and
   * times), its history the messages the source's runs had committed by then (`listHistory` rows of run ends at or
   * before atSeq), its agent and actor the source's; it records `parentSessionId` and `forkedAtSeq`. The source is
   * not changed, and later writes to either never reach the other. Choosing a fork point that does not split a
   * unit is the caller's job. Throws `SessionNotFoundError`, `ForkPointOutOfRangeError` (atSeq < 0 or past the
   * source's last event) and `AlreadyExistsError` (the tenant has a session `fork.id`).
   */
  forkSession(tenantId: string, sourceId: string, fork: SessionFork): Promise<Session>;

  // Session events: an append-only log per session, numbered 1, 2, 3... without gaps.
  /**
   * Appends the events atomically after the session's last one, and applies `progress` to the run in the same
   * transaction (the run must then be `running`, else `RunNotActiveError` and nothing is written). Throws
   * `SessionNotFoundError` when the tenant has no such session.
   */
  appendEvents(
    tenantId: string,
    sessionId: string,
    events: NewSessionEvent[],
    progress?: RunProgress,
  ): Promise<SessionEvent[]>;
  /** Oldest first. */
  listEvents(tenantId: string, sessionId: string, query?: EventQuery): Promise<SessionEvent[]>;
  /** The newest event of the session with this type. */
  lastEvent(tenantId: string, sessionId: string, type: string): Promise<SessionEvent | undefined>;
  /**
   * The session's conversation as its ended runs committed it (`RunProgress.history`, written with each run's
   * end), oldest first. Each message is stored once, so a long session grows linearly.
   */
  listHistory(tenantId: string, sessionId: string): Promise<Message[]>;

  // Runs
  /**
   * Creates a run as `queued` or `running`. Throws `SessionNotFoundError` when the session is absent, and
   * `SessionBusyError` when it would be the session's second running run.
   */
  createRun(run: NewRun): Promise<Run>;
  getRun(tenantId: string, id: string): Promise<Run | undefined>;
  /** Newest first. */
  listRuns(tenantId: string, query?: RunQuery): Promise<Run[]>;
  /**
   * Moves the run to `to` when `canTransition(current, to)`, else throws `InvalidRunTransitionError`
   * (`RunNotFoundError` when absent). Entering `running` throws `SessionBusyError` when another run of the
   * session is running; it clears the stop reason, error and end time a suspended run had.
   */
  transitionRun(tenantId: string, id: string, to: RunStatus, patch?: RunEndPatch): Promise<Run>;
  /** Cross-tenant: runs in these states, oldest first (crash recovery finds `running` runs on start). */
  findRunsByStatus(statuses: RunStatus[], limit?: number): Promise<Run[]>;
  /**
   * Cross-tenant, for a server starting: runs left `running` by a process that stopped, runs `interrupted` with
   * stop reason `shutdown` (suspended by a graceful shutdown, to be resumed) and `queued` runs; oldest first.
   */
  findRunsToRecover(limit?: number): Promise<Run[]>;

  // Idempotency records of tool calls: a completed tool is never executed twice.
  /** Stores the record unless one exists for `(tenantId, key)`; returns the stored one (first write wins). */
  putIdempotencyRecord(record: NewIdempotencyRecord): Promise<IdempotencyRecord>;
  getIdempotencyRecord(tenantId: string, key: string): Promise<IdempotencyRecord | undefined>;

  close(): Promise<void>;
}

export interface Tenant {
  id: string;
  name: string;
  createdAt: number;
}
export interface NewTenant {
  id: string;
  name?: string;
  createdAt?: number;
}

export interface ApiKeyRecord {
  /** Public id, embedded in the key text, used to look the key up. */
  id: string;
  tenantId: string;
  /** Hex SHA-256 of the whole key text. */
  hash: string;
  name?: string;
  createdAt: number;
  revokedAt?: number;
}
export interface NewApiKey {
  id: string;
  tenantId: string;
  hash: string;
  name?: string;
  createdAt?: number;
}

export type SessionStatus = "active" | "expired";

export interface Session {
  id: string;
  tenantId: string;
  /** The end user the session belongs to, when the caller says. */
  actorId?: string;
  agent: string;
  status: SessionStatus;
  metadata?: Record<string, unknown>;
  /** Sequence number of the newest event (0 when none). */
  lastSeq: number;
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
  /** A branch: the session it was forked from (`forkSession`). */
  parentSessionId?: string;
  /** A branch: the parent's event it was forked at; the branch's events 1..forkedAtSeq are copies of the parent's. */
  forkedAtSeq?: number;
}
export interface NewSession {
  id: string;
  tenantId: string;
  agent: string;
  actorId?: string;
  metadata?: Record<string, unknown>;
  createdAt?: number;
  expiresAt: number;
}
/** A branch to create with `forkSession`. */
export interface SessionFork {
  id: string;
  /** The source's event the branch ends at (0: an empty branch). */
  atSeq: number;
  expiresAt: number;
  metadata?: Record<string, unknown>;
  createdAt?: number;
}
export interface SessionQuery {
  actorId?: string;
  /** Only the branches forked from this session. */
  parentSessionId?: string;
  agent?: string;
  status?: SessionStatus;
  /** Default 50. */
  limit?: number;
  cursor?: string;
}
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface SessionEvent {
  tenantId: string;
  sessionId: string;
  seq: number;
  runId?: string;
  type: string;
  data: unknown;
  createdAt: number;
}
export interface NewSessionEvent {
  runId?: string;
  type: string;
  /** Any JSON value. */
  data: unknown;
}
export interface EventQuery {
  /** Only events with `seq > afterSeq`. */
  afterSeq?: number;
  runId?: string;
  types?: string[];
  limit?: number;
}

export type RunStatus = "queued" | "running" | "completed" | "failed" | "cancelled" | "interrupted";

export const terminalRunStatuses: readonly RunStatus[] = ["completed", "failed", "cancelled", "interrupted"];

/** Stop reason of a run a graceful shutdown suspended: `interrupted` until a server resumes it. */
export const SUSPENDED_STOP_REASON = "shutdown";

const allowedTransitions: Record<RunStatus, readonly RunStatus[]> = {
  queued: ["running", "failed", "cancelled"],
  running: ["completed", "failed", "cancelled", "interrupted"],
  completed: [],
  failed: [],
  cancelled: [],
  // A suspended run resumes (its stop reason, error and end time are cleared on the way).
  interrupted: ["running"],
};

/** The run state machine, shared by every adapter. */
export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return allowedTransitions[from].includes(to);
}

export function isTerminal(status: RunStatus): boolean {
  return terminalRunStatuses.includes(status);
}

export interface Run {
  id: string;
  tenantId: string;
  sessionId: string;
  agent: string;
  status: RunStatus;
  /** Committed steps: model turns and tool results. */
  lastStep: number;
  /** Sequence number of the run's newest committed event (0 when none). */
  lastSeq: number;
  usage: Usage;
  stopReason?: string;
  error?: ErrorInfo;
  /** Final result (e.g. `{ text, output }`), set when the run ends. */
  result?: unknown;
  /** The run's input, when given at creation (a queued run keeps it until it starts). */
  input?: Message[];
  createdAt: number;
  updatedAt: number;
  endedAt?: number;
}
export interface NewRun {
  id: string;
  tenantId: string;
  sessionId: string;
  agent: string;
  status: "queued" | "running";
  input?: Message[];
  createdAt?: number;
}
export interface RunQuery {
  sessionId?: string;
  status?: RunStatus;
  /** Default 50. */
  limit?: number;
}
export interface RunEndPatch {
  stopReason?: string;
  error?: ErrorInfo;
  result?: unknown;
  usage?: Usage;
  at?: number;
}
/** Applied to a running run together with an append. */
export interface RunProgress {
  runId: string;
  /** Steps committed by this append (added to `lastStep`). */
  steps?: number;
  /** The run's usage so far (replaces the stored one). */
  usage?: Usage;
  /** Ends the run in the same transaction as its last events. */
  end?: { status: "completed" | "failed" | "cancelled" | "interrupted" } & RunEndPatch;
  /** Appended to the session's history (`listHistory`) in the same transaction: a run's messages, with its end. */
  history?: Message[];
}

export interface IdempotencyRecord {
  tenantId: string;
  key: string;
  runId: string;
  /** Any JSON value, e.g. the tool's result. */
  result: unknown;
  createdAt: number;
}
export interface NewIdempotencyRecord {
  tenantId: string;
  key: string;
  runId: string;
  result: unknown;
  createdAt?: number;
}
