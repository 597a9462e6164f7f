import { DatabaseSync } from "node:sqlite";
import type { Message } from "@skein/core";
import { AlreadyExistsError, TenantNotFoundError } from "../errors.ts";
import type {
  ApiKeyRecord,
  EventQuery,
  IdempotencyRecord,
  NewApiKey,
  NewIdempotencyRecord,
  NewRun,
  NewSession,
  NewSessionEvent,
  NewTenant,
  Page,
  Run,
  RunEndPatch,
  RunProgress,
  RunQuery,
  RunStatus,
  Session,
  SessionEvent,
  SessionFork,
  SessionQuery,
  Store,
  Tenant,
} from "../store.ts";
import { SqliteConnection } from "./connection.ts";
import * as eventSql from "./events-sql.ts";
import { forkSession } from "./fork-sql.ts";
import { migrate } from "./migrations.ts";
import { apiKeyFromRow, idempotencyFromRow, tenantFromRow } from "./rows.ts";
import * as runSql from "./runs-sql.ts";
import * as sessionSql from "./sessions-sql.ts";
import {
  SQLITE_CONSTRAINT_FOREIGNKEY,
  SQLITE_CONSTRAINT_PRIMARYKEY,
  sqliteErrorCode,
} from "./transaction.ts";

export interface SqliteStoreOptions {
  /** A file path, or `:memory:`. */
  path: string;
  /** How long a writer waits for another connection's lock (default 5 s). */
  busyTimeoutMs?: number;
  /** Clock for timestamps the caller leaves out (default `Date.now`). */
  now?: () => number;
}

/** Opens (creating and migrating when needed) an SQLite store on `node:sqlite`. */
export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(options);
}

/**
 * The embedded default store. `node:sqlite` is synchronous, so each method runs to completion without
 * interleaving inside this process; WAL plus `BEGIN IMMEDIATE` transactions serialise writers across processes.
 */
export class SqliteStore implements Store {
  readonly db: DatabaseSync;
  private readonly c: SqliteConnection;

  constructor(options: SqliteStoreOptions) {
    this.db = new DatabaseSync(options.path, { timeout: options.busyTimeoutMs ?? 5000 });
    if (options.path !== ":memory:") this.db.exec("PRAGMA journal_mode = WAL");
    // NORMAL in WAL mode survives a process crash (kill -9); only an OS crash may lose the last commits.
    this.db.exec("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON");
    this.c = new SqliteConnection(this.db, options.now ?? Date.now);
    migrate(this.db, undefined, this.c.now());
  }

  // Tenants

  async createTenant(tenant: NewTenant): Promise<Tenant> {
    try {
      const row = this.c.get(
        "INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?) RETURNING *",
        tenant.id,
        tenant.name ?? tenant.id,
        tenant.createdAt ?? this.c.now(),
      );
      return tenantFromRow(row!);
    } catch (error) {
      if (sqliteErrorCode(error) === SQLITE_CONSTRAINT_PRIMARYKEY)
        throw new AlreadyExistsError("tenant", tenant.id);
      throw error;
    }
  }

  async ensureTenant(tenant: NewTenant): Promise<Tenant> {
    this.c
      .sql("INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING")
      .run(tenant.id, tenant.name ?? tenant.id, tenant.createdAt ?? this.c.now());
    return tenantFromRow(this.c.get("SELECT * FROM tenants WHERE id = ?", tenant.id)!);
  }

  async getTenant(id: string): Promise<Tenant | undefined> {
    const row = this.c.get("SELECT * FROM tenants WHERE id = ?", id);
    return row && tenantFromRow(row);
  }

  async listTenants(): Promise<Tenant[]> {
    return this.c.all("SELECT * FROM tenants ORDER BY created_at, id").map(tenantFromRow);
  }

  // API keys

  async createApiKey(key: NewApiKey): Promise<ApiKeyRecord> {
    try {
      const row = this.c.get(
        "INSERT INTO api_keys (id, tenant_id, hash, name, created_at) VALUES (?, ?, ?, ?, ?) RETURNING *",
        key.id,
        key.tenantId,
        key.hash,
        key.name ?? null,
        key.createdAt ?? this.c.now(),
      );
      return apiKeyFromRow(row!);
    } catch (error) {
      const code = sqliteErrorCode(error);
      if (code === SQLITE_CONSTRAINT_PRIMARYKEY) throw new AlreadyExistsError("api key", key.id);
      if (code === SQLITE_CONSTRAINT_FOREIGNKEY) throw new TenantNotFoundError(key.tenantId);
      throw error;
    }
  }

  async findApiKeyForAuth(id: string): Promise<ApiKeyRecord | undefined> {
    const row = this.c.get("SELECT * FROM api_keys WHERE id = ?", id);
    return row && apiKeyFromRow(row);
  }

  async listApiKeys(tenantId: string): Promise<ApiKeyRecord[]> {
    return this.c
      .all("SELECT * FROM api_keys WHERE tenant_id = ? ORDER BY created_at, id", tenantId)
      .map(apiKeyFromRow);
  }

  async revokeApiKey(tenantId: string, id: string, at?: number): Promise<boolean> {
    const result = this.c
      .sql("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE tenant_id = ? AND id = ?")
      .run(at ?? this.c.now(), tenantId, id);
    return Number(result.changes) > 0;
  }

  // Sessions

  async createSession(session: NewSession): Promise<Session> {
    return sessionSql.createSession(this.c, session);
  }

  async getSession(tenantId: string, id: string): Promise<Session | undefined> {
    return sessionSql.getSession(this.c, tenantId, id);
  }

  async listSessions(tenantId: string, query: SessionQuery = {}): Promise<Page<Session>> {
    return sessionSql.listSessions(this.c, tenantId, query);
  }

  async touchSession(
    tenantId: string,
    id: string,
    times: { at: number; expiresAt: number },
  ): Promise<Session | undefined> {
    return sessionSql.touchSession(this.c, tenantId, id, times);
  }

  async deleteSession(tenantId: string, id: string): Promise<boolean> {
    return sessionSql.deleteSession(this.c, tenantId, id);
  }

  async expireSessions(now: number, limit = 500): Promise<Session[]> {
    return sessionSql.expireSessions(this.c, now, limit);
  }

  async forkSession(tenantId: string, sourceId: string, fork: SessionFork): Promise<Session> {
    return forkSession(this.c, tenantId, sourceId, fork);
  }

  // Session events

  async appendEvents(
    tenantId: string,
    sessionId: string,
    events: NewSessionEvent[],
    progress?: RunProgress,
  ): Promise<SessionEvent[]> {
    return eventSql.appendEvents(this.c, tenantId, sessionId, events, progress);
  }

  async listEvents(tenantId: string, sessionId: string, query: EventQuery = {}): Promise<SessionEvent[]> {
    return eventSql.listEvents(this.c, tenantId, sessionId, query);
  }

  async lastEvent(tenantId: string, sessionId: string, type: string): Promise<SessionEvent | undefined> {
    return eventSql.lastEvent(this.c, tenantId, sessionId, type);
  }

  async listHistory(tenantId: string, sessionId: string): Promise<Message[]> {
    return eventSql.listHistory(this.c, tenantId, sessionId);
  }

  // Runs

  async createRun(run: NewRun): Promise<Run> {
    return runSql.createRun(this.c, run);
  }

  async getRun(tenantId: string, id: string): Promise<Run | undefined> {
    return runSql.getRun(this.c, tenantId, id);
  }

  async listRuns(tenantId: string, query: RunQuery = {}): Promise<Run[]> {
    return runSql.listRuns(this.c, tenantId, query);
  }

  async transitionRun(tenantId: string, id: string, to: RunStatus, patch: RunEndPatch = {}): Promise<Run> {
    return runSql.transitionRun(this.c, tenantId, id, to, patch);
  }

  async findRunsByStatus(statuses: RunStatus[], limit = 1000): Promise<Run[]> {
    return runSql.findRunsByStatus(this.c, statuses, limit);
  }

  async findRunsToRecover(limit = 1000): Promise<Run[]> {
    return runSql.findRunsToRecover(this.c, limit);
  }

  // Idempotency records

  async putIdempotencyRecord(record: NewIdempotencyRecord): Promise<IdempotencyRecord> {
    return this.c.transaction(() => {
      this.c
        .sql(
          `INSERT INTO idempotency_records (tenant_id, key, run_id, result, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (tenant_id, key) DO NOTHING`,
        )
        .run(
          record.tenantId,
          record.key,
          record.runId,
          JSON.stringify(record.result ?? null),
          record.createdAt ?? this.c.now(),
        );
      return idempotencyFromRow(
        this.c.get(
          "SELECT * FROM idempotency_records WHERE tenant_id = ? AND key = ?",
          record.tenantId,
          record.key,
        )!,
      );
    });
  }

  async getIdempotencyRecord(tenantId: string, key: string): Promise<IdempotencyRecord | undefined> {
    const row = this.c.get(
      "SELECT * FROM idempotency_records WHERE tenant_id = ? AND key = ?",
      tenantId,
      key,
    );
    return row && idempotencyFromRow(row);
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }
}
