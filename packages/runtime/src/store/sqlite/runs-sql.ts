import {
  AlreadyExistsError,
  InvalidRunTransitionError,
  RunNotFoundError,
  SessionBusyError,
  SessionNotFoundError,
} from "../errors.ts";
import {
  canTransition,
  isTerminal,
  type NewRun,
  type Run,
  type RunEndPatch,
  type RunQuery,
  type RunStatus,
  SUSPENDED_STOP_REASON,
} from "../store.ts";
import { type SqliteConnection, Where } from "./connection.ts";
import { runFromRow, toJson } from "./rows.ts";
import { SQLITE_CONSTRAINT_PRIMARYKEY, SQLITE_CONSTRAINT_UNIQUE, sqliteErrorCode } from "./transaction.ts";

// Runs: the state machine is `canTransition`; a partial unique index allows one running run per session.

const defaultLimit = 50;

export function createRun(c: SqliteConnection, run: NewRun): Run {
  const at = run.createdAt ?? c.now();
  return c.transaction(() => {
    if (!c.get("SELECT 1 FROM sessions WHERE tenant_id = ? AND id = ?", run.tenantId, run.sessionId))
      throw new SessionNotFoundError(run.sessionId);
    try {
      const row = c.get(
        `INSERT INTO runs (id, tenant_id, session_id, agent, status, last_step, last_seq, usage, input, created_at,
           updated_at)
         VALUES (?, ?, ?, ?, ?, 0, 0, ?, ?, ?, ?) RETURNING *`,
        run.id,
        run.tenantId,
        run.sessionId,
        run.agent,
        run.status,
        JSON.stringify({ inputTokens: 0, outputTokens: 0, totalTokens: 0 }),
        toJson(run.input),
        at,
        at,
      );
      return runFromRow(row!);
    } catch (error) {
      const code = sqliteErrorCode(error);
      if (code === SQLITE_CONSTRAINT_UNIQUE) throw new SessionBusyError(run.sessionId);
      if (code === SQLITE_CONSTRAINT_PRIMARYKEY) throw new AlreadyExistsError("run", run.id);
      throw error;
    }
  });
}

export function getRun(c: SqliteConnection, tenantId: string, id: string): Run | undefined {
  const row = c.get("SELECT * FROM runs WHERE tenant_id = ? AND id = ?", tenantId, id);
  return row && runFromRow(row);
}

export function listRuns(c: SqliteConnection, tenantId: string, query: RunQuery = {}): Run[] {
  const where = new Where()
    .add("tenant_id = ?", tenantId)
    .maybe("session_id = ?", query.sessionId)
    .maybe("status = ?", query.status);
  return c
    .all(
      `SELECT * FROM runs WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT ?`,
      ...where.params,
      query.limit ?? defaultLimit,
    )
    .map(runFromRow);
}

export function transitionRun(
  c: SqliteConnection,
  tenantId: string,
  id: string,
  to: RunStatus,
  patch: RunEndPatch = {},
): Run {
  const at = patch.at ?? c.now();
  return c.transaction(() => {
    const row = c.get("SELECT * FROM runs WHERE tenant_id = ? AND id = ?", tenantId, id);
    if (!row) throw new RunNotFoundError(id);
    const from = row.status as RunStatus;
    if (!canTransition(from, to)) throw new InvalidRunTransitionError(id, from, to);
    // Entering a non-terminal state (a suspended run resuming) clears what its end had set.
    const ends = isTerminal(to) ? 1 : 0;
    try {
      const updated = c.get(
        `UPDATE runs SET status = ?, updated_at = ?,
           stop_reason = CASE WHEN ? = 1 THEN COALESCE(?, stop_reason) ELSE ? END,
           error = CASE WHEN ? = 1 THEN COALESCE(?, error) ELSE ? END,
           result = COALESCE(?, result), usage = COALESCE(?, usage), ended_at = ?
         WHERE tenant_id = ? AND id = ? RETURNING *`,
        to,
        at,
        ends,
        patch.stopReason ?? null,
        patch.stopReason ?? null,
        ends,
        toJson(patch.error),
        toJson(patch.error),
        toJson(patch.result),
        toJson(patch.usage),
        ends ? at : null,
        tenantId,
        id,
      );
      return runFromRow(updated!);
    } catch (error) {
      if (sqliteErrorCode(error) === SQLITE_CONSTRAINT_UNIQUE)
        throw new SessionBusyError(row.session_id as string);
      throw error;
    }
  });
}

export function findRunsByStatus(c: SqliteConnection, statuses: RunStatus[], limit = 1000): Run[] {
  if (statuses.length === 0) return [];
  return c
    .all(
      `SELECT * FROM runs WHERE status IN (${statuses.map(() => "?").join(", ")}) ORDER BY created_at, id LIMIT ?`,
      ...statuses,
      limit,
    )
    .map(runFromRow);
}

export function findRunsToRecover(c: SqliteConnection, limit = 1000): Run[] {
  return c
    .all(
      `SELECT * FROM runs WHERE status IN ('running', 'queued') OR (status = 'interrupted' AND stop_reason = ?)
       ORDER BY created_at, id LIMIT ?`,
      SUSPENDED_STOP_REASON,
      limit,
    )
    .map(runFromRow);
}
