import type { DatabaseSync } from "node:sqlite";
import { type Migration, migrate } from "@skein/sqlite";
import { MemorySchemaTooNewError } from "../store/errors.ts";
import { spaceCjkWords } from "../text/cjk-words.ts";

export type { Migration };

// Base tables use portable SQL (TEXT, INTEGER, plain indexes) so a PostgreSQL adapter can mirror them; the text
// index (FTS5 here, tsvector there) and the vector index (sqlite-vec here, pgvector there) are adapter-specific.
// Append new migrations; never edit one that has shipped. Table names carry a `memory_` prefix so the store can
// share a database file with the runtime's store.
export const memoryMigrations: readonly Migration[] = [
  {
    version: 1,
    name: "memory records, history, jobs, settings, FTS5 text index",
    sql: `
      CREATE TABLE memory_records (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        namespace TEXT NOT NULL,
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        provenance TEXT NOT NULL,
        metadata TEXT,
        status TEXT NOT NULL,
        retired_reason TEXT,
        supersedes TEXT,
        superseded_by TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        expires_at INTEGER,
        UNIQUE (tenant_id, id)
      );
      CREATE INDEX memory_records_by_namespace ON memory_records (tenant_id, namespace);
      CREATE INDEX memory_records_by_created ON memory_records (tenant_id, created_at, id);
      CREATE INDEX memory_records_by_expiry ON memory_records (expires_at);
      CREATE INDEX memory_records_by_supersedes ON memory_records (tenant_id, supersedes);
      CREATE INDEX memory_records_by_superseded_by ON memory_records (tenant_id, superseded_by);
      CREATE TABLE memory_history (
        tenant_id TEXT NOT NULL,
        record_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        action TEXT NOT NULL,
        at INTEGER NOT NULL,
        previous_text TEXT,
        related_id TEXT,
        reason TEXT,
        job_id TEXT,
        PRIMARY KEY (tenant_id, record_id, seq)
      );
      CREATE TABLE memory_jobs (
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        namespace TEXT NOT NULL,
        session_id TEXT,
        trigger TEXT NOT NULL,
        strategies TEXT NOT NULL,
        message_count INTEGER NOT NULL,
        status TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        ended_at INTEGER,
        outcome TEXT,
        error TEXT,
        PRIMARY KEY (tenant_id, id)
      );
      CREATE INDEX memory_jobs_by_created ON memory_jobs (tenant_id, created_at);
      CREATE TABLE memory_settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      CREATE VIRTUAL TABLE memory_fts USING fts5(text, tokenize = 'porter unicode61 remove_diacritics 2');
      INSERT INTO memory_fts (memory_fts, rank) VALUES ('secure-delete', 1);
    `,
  },
  {
    version: 2,
    name: "vector change log for the approximate (HNSW) index beside the store",
    sql: `
      CREATE TABLE memory_vec_changes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        tenant_id TEXT NOT NULL,
        seq INTEGER NOT NULL
      );
      CREATE INDEX memory_vec_changes_by_tenant ON memory_vec_changes (tenant_id, id);
    `,
  },
  {
    version: 3,
    name: "Chinese and Japanese words set apart in the text index",
    run(db) {
      // Only rows whose text has CJK characters change; the others are already indexed as they would be now.
      const rows = db.prepare("SELECT rowid AS seq, text FROM memory_fts").iterate() as Iterable<{
        seq: number;
        text: string;
      }>;
      const update = db.prepare("UPDATE memory_fts SET text = ? WHERE rowid = ?");
      const changes: [string, number][] = [];
      for (const row of rows) {
        const spaced = spaceCjkWords(row.text);
        if (spaced !== row.text) changes.push([spaced, row.seq]);
      }
      for (const [text, seq] of changes) update.run(text, seq);
    },
  },
];

/** Applies the memory schema's pending migrations (recorded in `memory_schema_migrations`). */
export function migrateMemory(
  db: DatabaseSync,
  list: readonly Migration[] = memoryMigrations,
  now = Date.now(),
): number[] {
  return migrate(db, {
    table: "memory_schema_migrations",
    migrations: list,
    now,
    tooNew: (found, known) => new MemorySchemaTooNewError(found, known),
  });
}
