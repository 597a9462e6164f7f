import type { DatabaseSync } from "node:sqlite";
import { transaction } from "./connection.ts";

export interface Migration {
  version: number;
  name: string;
  /** DDL and data changes in SQL; run first. */
  sql?: string;
  /** Changes SQL cannot express (text re-processed in JavaScript); runs after `sql`, in the same transaction. */
  run?(db: DatabaseSync): void;
}

export interface MigrateOptions {
  /** The table that records applied versions (one per schema sharing a database file). */
  table: string;
  migrations: readonly Migration[];
  now?: number;
  /** The error to throw when the file was written by a newer version than this code knows. */
  tooNew(found: number, known: number): Error;
}

/**
 * Applies the migrations not yet recorded in `options.table`, each in its own transaction (re-checked inside it,
 * so two processes opening the same file at once apply each migration once). Returns the versions applied.
 */
export function migrate(db: DatabaseSync, options: MigrateOptions): number[] {
  const { table, migrations, now = Date.now() } = options;
  db.exec(`CREATE TABLE IF NOT EXISTS ${table} (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const known = Math.max(0, ...migrations.map((m) => m.version));
  const current = () =>
    (db.prepare(`SELECT MAX(version) AS v FROM ${table}`).get() as { v: number | null }).v ?? 0;
  const found = current();
  if (found > known) throw options.tooNew(found, known);
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (migration.version <= found) continue;
    transaction(db, () => {
      if (current() >= migration.version) return;
      if (migration.sql) db.exec(migration.sql);
      migration.run?.(db);
      db.prepare(`INSERT INTO ${table} (version, name, applied_at) VALUES (?, ?, ?)`).run(
        migration.version,
        migration.name,
        now,
      );
      applied.push(migration.version);
    });
  }
  return applied;
}
