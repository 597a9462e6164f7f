import { AlreadyExistsError, InvalidCursorError, SessionBusyError, TenantNotFoundError } from "../errors.ts";
import type { NewSession, Page, Session, SessionQuery } from "../store.ts";
import { type SqliteConnection, Where } from "./connection.ts";
import { sessionFromRow, toJson } from "./rows.ts";
import {
  SQLITE_CONSTRAINT_FOREIGNKEY,
  SQLITE_CONSTRAINT_PRIMARYKEY,
  sqliteErrorCode,
} from "./transaction.ts";

// Sessions: one row per (tenant, id); `last_seq` numbers the session's event log.

const defaultLimit = 50;

export function createSession(c: SqliteConnection, session: NewSession): Session {
  const at = session.createdAt ?? c.now();
  try {
    const row = c.get(
      `INSERT INTO sessions (tenant_id, id, actor_id, agent, status, metadata, last_seq, created_at, updated_at, expires_at)
       VALUES (?, ?, ?, ?, 'active', ?, 0, ?, ?, ?) RETURNING *`,
      session.tenantId,
      session.id,
      session.actorId ?? null,
      session.agent,
      toJson(session.metadata),
      at,
      at,
      session.expiresAt,
    );
    return sessionFromRow(row!);
  } catch (error) {
    const code = sqliteErrorCode(error);
    if (code === SQLITE_CONSTRAINT_PRIMARYKEY) throw new AlreadyExistsError("session", session.id);
    if (code === SQLITE_CONSTRAINT_FOREIGNKEY) throw new TenantNotFoundError(session.tenantId);
    throw error;
  }
}

export function getSession(c: SqliteConnection, tenantId: string, id: string): Session | undefined {
  const row = c.get("SELECT * FROM sessions WHERE tenant_id = ? AND id = ?", tenantId, id);
  return row && sessionFromRow(row);
}

export function listSessions(c: SqliteConnection, tenantId: string, query: SessionQuery = {}): Page<Session> {
  const where = new Where()
    .add("tenant_id = ?", tenantId)
    .maybe("actor_id = ?", query.actorId)
    .maybe("agent = ?", query.agent)
    .maybe("status = ?", query.status)
    .maybe("parent_session_id = ?", query.parentSessionId);
  if (query.cursor !== undefined) {
    const cursor = decodeCursor(query.cursor);
    where.add(
      "(created_at < ? OR (created_at = ? AND id < ?))",
      cursor.createdAt,
      cursor.createdAt,
      cursor.id,
    );
  }
  const limit = Math.max(1, query.limit ?? defaultLimit);
  const rows = c.all(
    `SELECT * FROM sessions WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT ?`,
    ...where.params,
    limit + 1,
  );
  const items = rows.slice(0, limit).map(sessionFromRow);
  const last = items.at(-1);
  return rows.length > limit && last ? { items, nextCursor: encodeCursor(last) } : { items };
}

export function touchSession(
  c: SqliteConnection,
  tenantId: string,
  id: string,
  times: { at: number; expiresAt: number },
): Session | undefined {
  const row = c.get(
    "UPDATE sessions SET updated_at = ?, expires_at = ? WHERE tenant_id = ? AND id = ? RETURNING *",
    times.at,
    times.expiresAt,
    tenantId,
    id,
  );
  return row && sessionFromRow(row);
}

export function deleteSession(c: SqliteConnection, tenantId: string, id: string): boolean {
  return c.transaction(() => {
    if (!c.get("SELECT 1 FROM sessions WHERE tenant_id = ? AND id = ?", tenantId, id)) return false;
    const running = "SELECT 1 FROM runs WHERE tenant_id = ? AND session_id = ? AND status = 'running'";
    if (c.get(running, tenantId, id)) throw new SessionBusyError(id);
    c.sql(
      `DELETE FROM idempotency_records WHERE tenant_id = ?
       AND run_id IN (SELECT id FROM runs WHERE tenant_id = ? AND session_id = ?)`,
    ).run(tenantId, tenantId, id);
    c.sql("DELETE FROM session_events WHERE tenant_id = ? AND session_id = ?").run(tenantId, id);
    c.sql("DELETE FROM session_history WHERE tenant_id = ? AND session_id = ?").run(tenantId, id);
    c.sql("DELETE FROM runs WHERE tenant_id = ? AND session_id = ?").run(tenantId, id);
    c.sql("DELETE FROM sessions WHERE tenant_id = ? AND id = ?").run(tenantId, id);
    return true;
  });
}

export function expireSessions(c: SqliteConnection, now: number, limit = 500): Session[] {
  return c.transaction(() => {
    const rows = c.all(
      `SELECT * FROM sessions s WHERE s.status = 'active' AND s.expires_at <= ?
       AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.tenant_id = s.tenant_id AND r.session_id = s.id
                       AND r.status = 'running')
       ORDER BY s.expires_at, s.tenant_id, s.id LIMIT ?`,
      now,
      limit,
    );
    const expire = c.sql("UPDATE sessions SET status = 'expired' WHERE tenant_id = ? AND id = ?");
    for (const row of rows) expire.run(row.tenant_id as string, row.id as string);
    return rows.map((row) => ({ ...sessionFromRow(row), status: "expired" as const }));
  });
}

function encodeCursor(session: Session): string {
  return Buffer.from(JSON.stringify([session.createdAt, session.id])).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new InvalidCursorError();
  }
  const [createdAt, id] = Array.isArray(parsed) ? parsed : [];
  if (typeof createdAt !== "number" || typeof id !== "string") throw new InvalidCursorError();
  return { createdAt, id };
}
