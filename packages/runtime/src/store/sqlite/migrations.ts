import type { DatabaseSync } from "node:sqlite";
import { type Migration, migrate as runMigrations } from "@skein/sqlite";
import { SchemaTooNewError } from "../errors.ts";

export type { Migration };

// Portable SQL (TEXT, INTEGER, partial indexes, no SQLite-only types) so the PostgreSQL adapter can mirror it.
// Append new migrations; never edit one that has shipped.
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: "tenants, api keys, sessions, events, runs, idempotency records",
    sql: `
      CREATE TABLE tenants (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL REFERENCES tenants (id),
        hash TEXT NOT NULL,
        name TEXT,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
      );
      CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id);
      CREATE TABLE sessions (
        tenant_id TEXT NOT NULL REFERENCES tenants (id),
        id TEXT NOT NULL,
        actor_id TEXT,
        agent TEXT NOT NULL,
        status TEXT NOT NULL,
        metadata TEXT,
        last_seq INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, id)
      );
      CREATE INDEX sessions_by_tenant_created ON sessions (tenant_id, created_at, id);
      CREATE INDEX sessions_by_expiry ON sessions (status, expires_at);
      CREATE TABLE session_events (
        tenant_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        run_id TEXT,
        type TEXT NOT NULL,
        data TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, session_id, seq)
      );
      CREATE INDEX session_events_by_run ON session_events (run_id, seq);
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        agent TEXT NOT NULL,
        status TEXT NOT NULL,
        last_step INTEGER NOT NULL DEFAULT 0,
        last_seq INTEGER NOT NULL DEFAULT 0,
        usage TEXT NOT NULL,
        stop_reason TEXT,
        error TEXT,
        result TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        ended_at INTEGER
      );
      CREATE UNIQUE INDEX runs_one_running_per_session ON runs (tenant_id, session_id) WHERE status = 'running';
      CREATE INDEX runs_by_session ON runs (tenant_id, session_id, created_at);
      CREATE INDEX runs_by_status ON runs (status, created_at);
      CREATE TABLE idempotency_records (
        tenant_id TEXT NOT NULL,
        key TEXT NOT NULL,
        run_id TEXT NOT NULL,
        result TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, key)
      );
      CREATE INDEX idempotency_records_by_run ON idempotency_records (run_id);
    `,
  },
  {
    version: 2,
    name: "session history stored once per message, queued runs keep their input",
    // The backfill takes each session's history from its newest run-end, which carried all of it until now.
    sql: `
      CREATE TABLE session_history (
        tenant_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        idx INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        message TEXT NOT NULL,
        PRIMARY KEY (tenant_id, session_id, idx)
      );
      ALTER TABLE runs ADD COLUMN input TEXT;
      INSERT INTO session_history (tenant_id, session_id, idx, seq, message)
        SELECT e.tenant_id, e.session_id, m.key + 1, e.seq, m.value
        FROM session_events e, json_each(e.data, '$.messages') m
        WHERE e.type = 'run-end' AND e.seq = (
          SELECT MAX(l.seq) FROM session_events l
          WHERE l.tenant_id = e.tenant_id AND l.session_id = e.session_id AND l.type = 'run-end'
        );
    `,
  },
  {
    version: 3,
    name: "session branches: parent session and fork point",
    sql: `
      ALTER TABLE sessions ADD COLUMN parent_session_id TEXT;
      ALTER TABLE sessions ADD COLUMN forked_at_seq INTEGER;
      CREATE INDEX sessions_by_parent ON sessions (tenant_id, parent_session_id) WHERE parent_session_id IS NOT NULL;
    `,
  },
];

/** Applies the store schema's pending migrations (recorded in `schema_migrations`). */
export function migrate(
  db: DatabaseSync,
  list: readonly Migration[] = migrations,
  now = Date.now(),
): number[] {
  return runMigrations(db, {
    table: "schema_migrations",
    migrations: list,
    now,
    tooNew: (found, known) => new SchemaTooNewError(found, known),
  });
}
