import type {
  ApiKeyRecord,
  IdempotencyRecord,
  Run,
  RunStatus,
  Session,
  SessionEvent,
  SessionStatus,
  Tenant,
} from "../store.ts";

// Row shapes as SQLite returns them (snake_case, JSON as text, NULL for absent) and their mapping to the contract.

type Row = Record<string, unknown>;

const str = (v: unknown): string => v as string;
const num = (v: unknown): number => v as number;
const json = (v: unknown): unknown => (v === null || v === undefined ? undefined : JSON.parse(v as string));

export const toJson = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));

export function tenantFromRow(row: Row): Tenant {
  return { id: str(row.id), name: str(row.name), createdAt: num(row.created_at) };
}

export function apiKeyFromRow(row: Row): ApiKeyRecord {
  const key: ApiKeyRecord = {
    id: str(row.id),
    tenantId: str(row.tenant_id),
    hash: str(row.hash),
    createdAt: num(row.created_at),
  };
  if (row.name !== null) key.name = str(row.name);
  if (row.revoked_at !== null) key.revokedAt = num(row.revoked_at);
  return key;
}

export function sessionFromRow(row: Row): Session {
  const session: Session = {
    id: str(row.id),
    tenantId: str(row.tenant_id),
    agent: str(row.agent),
    status: str(row.status) as SessionStatus,
    lastSeq: num(row.last_seq),
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
    expiresAt: num(row.expires_at),
  };
  if (row.actor_id !== null) session.actorId = str(row.actor_id);
  if (row.metadata !== null) session.metadata = json(row.metadata) as Record<string, unknown>;
  if (row.parent_session_id !== null && row.parent_session_id !== undefined)
    session.parentSessionId = str(row.parent_session_id);
  if (row.forked_at_seq !== null && row.forked_at_seq !== undefined)
    session.forkedAtSeq = num(row.forked_at_seq);
  return session;
}

export function eventFromRow(row: Row): SessionEvent {
  const event: SessionEvent = {
    tenantId: str(row.tenant_id),
    sessionId: str(row.session_id),
    seq: num(row.seq),
    type: str(row.type),
    data: json(row.data),
    createdAt: num(row.created_at),
  };
  if (row.run_id !== null) event.runId = str(row.run_id);
  return event;
}

export function runFromRow(row: Row): Run {
  const run: Run = {
    id: str(row.id),
    tenantId: str(row.tenant_id),
    sessionId: str(row.session_id),
    agent: str(row.agent),
    status: str(row.status) as RunStatus,
    lastStep: num(row.last_step),
    lastSeq: num(row.last_seq),
    usage: json(row.usage) as Run["usage"],
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
  };
  if (row.stop_reason !== null) run.stopReason = str(row.stop_reason);
  if (row.error !== null) run.error = json(row.error) as Run["error"];
  if (row.result !== null) run.result = json(row.result);
  if (row.ended_at !== null) run.endedAt = num(row.ended_at);
  if (row.input !== null && row.input !== undefined) run.input = json(row.input) as Run["input"];
  return run;
}

export function idempotencyFromRow(row: Row): IdempotencyRecord {
  return {
    tenantId: str(row.tenant_id),
    key: str(row.key),
    runId: str(row.run_id),
    result: json(row.result),
    createdAt: num(row.created_at),
  };
}
