import { AlreadyExistsError, ForkPointOutOfRangeError, SessionNotFoundError } from "../errors.ts";
import type { Session, SessionFork } from "../store.ts";
import type { SqliteConnection } from "./connection.ts";
import { sessionFromRow, toJson } from "./rows.ts";

// Session branches: a copy of the source's log and history up to the fork point, in one transaction. Plain
// INSERT ... SELECT, so the PostgreSQL adapter can do the same.

export function forkSession(
  c: SqliteConnection,
  tenantId: string,
  sourceId: string,
  fork: SessionFork,
): Session {
  const at = fork.createdAt ?? c.now();
  return c.transaction(() => {
    const source = c.get("SELECT * FROM sessions WHERE tenant_id = ? AND id = ?", tenantId, sourceId);
    if (!source) throw new SessionNotFoundError(sourceId);
    const lastSeq = source.last_seq as number;
    if (!Number.isInteger(fork.atSeq) || fork.atSeq < 0 || fork.atSeq > lastSeq)
      throw new ForkPointOutOfRangeError(sourceId, fork.atSeq, lastSeq);
    if (c.get("SELECT 1 FROM sessions WHERE tenant_id = ? AND id = ?", tenantId, fork.id))
      throw new AlreadyExistsError("session", fork.id);
    const row = c.get(
      `INSERT INTO sessions (tenant_id, id, actor_id, agent, status, metadata, last_seq, created_at, updated_at,
                             expires_at, parent_session_id, forked_at_seq)
       VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      tenantId,
      fork.id,
      source.actor_id as string | null,
      source.agent as string,
      toJson(fork.metadata),
      fork.atSeq,
      at,
      at,
      fork.expiresAt,
      sourceId,
      fork.atSeq,
    );
    c.sql(
      `INSERT INTO session_events (tenant_id, session_id, seq, run_id, type, data, created_at)
       SELECT tenant_id, ?, seq, run_id, type, data, created_at FROM session_events
       WHERE tenant_id = ? AND session_id = ? AND seq <= ?`,
    ).run(fork.id, tenantId, sourceId, fork.atSeq);
    // History rows carry the seq of the run end that committed them: those at or before the fork point.
    c.sql(
      `INSERT INTO session_history (tenant_id, session_id, idx, seq, message)
       SELECT tenant_id, ?, idx, seq, message FROM session_history
       WHERE tenant_id = ? AND session_id = ? AND seq <= ?`,
    ).run(fork.id, tenantId, sourceId, fork.atSeq);
    return sessionFromRow(row!);
  });
}
