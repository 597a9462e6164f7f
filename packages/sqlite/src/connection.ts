import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";

export type Row = Record<string, unknown>;

/**
 * Runs `fn` in a write transaction. `BEGIN IMMEDIATE` takes the write lock up front (waiting up to the busy
 * timeout), so a read-then-write inside `fn` never deadlocks with another connection.
 */
export function transaction<T>(db: DatabaseSync, fn: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  try {
    const result = fn();
    db.exec("COMMIT");
    return result;
  } catch (error) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw error;
  }
}

/** One database connection with a prepared-statement cache and the store's clock. */
export class SqliteConnection {
  readonly db: DatabaseSync;
  readonly now: () => number;
  private readonly statements = new Map<string, StatementSync>();

  constructor(db: DatabaseSync, now: () => number) {
    this.db = db;
    this.now = now;
  }

  sql(text: string): StatementSync {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }
  get(text: string, ...params: SQLInputValue[]): Row | undefined {
    return this.sql(text).get(...params) as Row | undefined;
  }
  all(text: string, ...params: SQLInputValue[]): Row[] {
    return this.sql(text).all(...params) as Row[];
  }
  /** Runs a write; returns the number of changed rows. */
  run(text: string, ...params: SQLInputValue[]): number {
    return Number(this.sql(text).run(...params).changes);
  }
  transaction<T>(fn: () => T): T {
    return transaction(this.db, fn);
  }
}

/** Builds `WHERE` clauses from optional filters, keeping placeholders and values in step. */
export class Where {
  readonly clauses: string[] = [];
  readonly params: SQLInputValue[] = [];
  add(clause: string, ...params: SQLInputValue[]): this {
    this.clauses.push(clause);
    this.params.push(...params);
    return this;
  }
  /** Adds `clause` only when `value` is defined. */
  maybe(clause: string, value: SQLInputValue | undefined): this {
    return value === undefined ? this : this.add(clause, value);
  }
  /** The clauses joined with AND; `1 = 1` when there are none, so `WHERE ${where}` is always valid. */
  toString(): string {
    return this.clauses.length === 0 ? "1 = 1" : this.clauses.join(" AND ");
  }
}
