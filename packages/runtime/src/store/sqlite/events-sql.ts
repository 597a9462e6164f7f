import type { Message } from "@skein/core";
import { RunNotActiveError, RunNotFoundError, SessionNotFoundError } from "../errors.ts";
import type { EventQuery, NewSessionEvent, RunProgress, RunStatus, SessionEvent } from "../store.ts";
import { type SqliteConnection, Where } from "./connection.ts";
import { eventFromRow, toJson } from "./rows.ts";

// The append-only event log of each session, and the run progress committed with it.

export function appendEvents(
  c: SqliteConnection,
  tenantId: string,
  sessionId: string,
  events: NewSessionEvent[],
  progress?: RunProgress,
): SessionEvent[] {
  const at = c.now();
  return c.transaction(() => {
    if (progress) {
      const run = c.get(
        "SELECT status, session_id FROM runs WHERE tenant_id = ? AND id = ?",
        tenantId,
        progress.runId,
      );
      if (!run || run.session_id !== sessionId) throw new RunNotFoundError(progress.runId);
      if (run.status !== "running") throw new RunNotActiveError(progress.runId, run.status as RunStatus);
    }
    const session = c.get(
      "UPDATE sessions SET last_seq = last_seq + ?, updated_at = ? WHERE tenant_id = ? AND id = ? RETURNING last_seq",
      events.length,
      at,
      tenantId,
      sessionId,
    );
    if (!session) throw new SessionNotFoundError(sessionId);
    const first = (session.last_seq as number) - events.length + 1;
    const insert = c.sql(
      `INSERT INTO session_events (tenant_id, session_id, seq, run_id, type, data, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    const appended = events.map((event, i): SessionEvent => {
      const seq = first + i;
      insert.run(
        tenantId,
        sessionId,
        seq,
        event.runId ?? null,
        event.type,
        JSON.stringify(event.data ?? null),
        at,
      );
      const stored: SessionEvent = {
        tenantId,
        sessionId,
        seq,
        type: event.type,
        data: event.data ?? null,
        createdAt: at,
      };
      if (event.runId !== undefined) stored.runId = event.runId;
      return stored;
    });
    if (progress) applyProgress(c, tenantId, progress, appended.at(-1)?.seq, at);
    if (progress?.history?.length)
      appendHistory(c, tenantId, sessionId, progress.history, session.last_seq as number);
    return appended;
  });
}

function applyProgress(
  c: SqliteConnection,
  tenantId: string,
  progress: RunProgress,
  lastSeq: number | undefined,
  at: number,
): void {
  const end = progress.end;
  c.sql(
    `UPDATE runs SET last_step = last_step + ?, last_seq = COALESCE(?, last_seq), usage = COALESCE(?, usage),
       updated_at = ?, status = COALESCE(?, status), stop_reason = COALESCE(?, stop_reason),
       error = COALESCE(?, error), result = COALESCE(?, result), ended_at = COALESCE(?, ended_at)
     WHERE tenant_id = ? AND id = ?`,
  ).run(
    progress.steps ?? 0,
    lastSeq ?? null,
    toJson(end?.usage ?? progress.usage),
    at,
    end?.status ?? null,
    end?.stopReason ?? null,
    toJson(end?.error),
    toJson(end?.result),
    end ? (end.at ?? at) : null,
    tenantId,
    progress.runId,
  );
}

function appendHistory(
  c: SqliteConnection,
  tenantId: string,
  sessionId: string,
  messages: Message[],
  seq: number,
): void {
  const last = c.get(
    "SELECT COALESCE(MAX(idx), 0) AS idx FROM session_history WHERE tenant_id = ? AND session_id = ?",
    tenantId,
    sessionId,
  );
  const insert = c.sql(
    "INSERT INTO session_history (tenant_id, session_id, idx, seq, message) VALUES (?, ?, ?, ?, ?)",
  );
  let idx = last!.idx as number;
  for (const message of messages) insert.run(tenantId, sessionId, ++idx, seq, JSON.stringify(message));
}

export function listHistory(c: SqliteConnection, tenantId: string, sessionId: string): Message[] {
  return c
    .all(
      "SELECT message FROM session_history WHERE tenant_id = ? AND session_id = ? ORDER BY idx",
      tenantId,
      sessionId,
    )
    .map((row) => JSON.parse(row.message as string) as Message);
}

export function listEvents(
  c: SqliteConnection,
  tenantId: string,
  sessionId: string,
  query: EventQuery = {},
): SessionEvent[] {
  const where = new Where()
    .add("tenant_id = ? AND session_id = ? AND seq > ?", tenantId, sessionId, query.afterSeq ?? 0)
    .maybe("run_id = ?", query.runId);
  if (query.types && query.types.length > 0)
    where.add(`type IN (${query.types.map(() => "?").join(", ")})`, ...query.types);
  const limit = query.limit === undefined ? [] : [query.limit];
  return c
    .all(
      `SELECT * FROM session_events WHERE ${where} ORDER BY seq${limit.length ? " LIMIT ?" : ""}`,
      ...where.params,
      ...limit,
    )
    .map(eventFromRow);
}

export function lastEvent(
  c: SqliteConnection,
  tenantId: string,
  sessionId: string,
  type: string,
): SessionEvent | undefined {
  const row = c.get(
    "SELECT * FROM session_events WHERE tenant_id = ? AND session_id = ? AND type = ? ORDER BY seq DESC LIMIT 1",
    tenantId,
    sessionId,
    type,
  );
  return row && eventFromRow(row);
}
