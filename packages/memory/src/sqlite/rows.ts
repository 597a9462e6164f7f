import type { SQLInputValue } from "node:sqlite";
import type { ExtractionJob, MemoryChange, MemoryRecord } from "../store/types.ts";
import type { Row } from "./connection.ts";

const optional = <T>(value: unknown): T | undefined =>
  value === null || value === undefined ? undefined : (value as T);
const json = <T>(value: unknown): T | undefined =>
  value === null || value === undefined ? undefined : (JSON.parse(value as string) as T);

export function recordFromRow(row: Row): MemoryRecord {
  const record: MemoryRecord = {
    id: row.id as string,
    tenantId: row.tenant_id as string,
    namespace: row.namespace as string,
    kind: row.kind as string,
    text: row.text as string,
    provenance: JSON.parse(row.provenance as string),
    createdAt: row.created_at as number,
    updatedAt: row.updated_at as number,
    status: row.status as MemoryRecord["status"],
  };
  const metadata = json<Record<string, unknown>>(row.metadata);
  if (metadata) record.metadata = metadata;
  const expiresAt = optional<number>(row.expires_at);
  if (expiresAt !== undefined) record.expiresAt = expiresAt;
  const retiredReason = optional<string>(row.retired_reason);
  if (retiredReason) record.retiredReason = retiredReason;
  const supersedes = optional<string>(row.supersedes);
  if (supersedes) record.supersedes = supersedes;
  const supersededBy = optional<string>(row.superseded_by);
  if (supersededBy) record.supersededBy = supersededBy;
  return record;
}

export function changeFromRow(row: Row): MemoryChange {
  const change: MemoryChange = {
    recordId: row.record_id as string,
    seq: row.seq as number,
    action: row.action as MemoryChange["action"],
    at: row.at as number,
  };
  const previousText = optional<string>(row.previous_text);
  if (previousText !== undefined) change.previousText = previousText;
  const relatedId = optional<string>(row.related_id);
  if (relatedId) change.relatedId = relatedId;
  const reason = optional<string>(row.reason);
  if (reason) change.reason = reason;
  const jobId = optional<string>(row.job_id);
  if (jobId) change.jobId = jobId;
  return change;
}

export function jobFromRow(row: Row): ExtractionJob {
  const job: ExtractionJob = {
    id: row.id as string,
    tenantId: row.tenant_id as string,
    namespace: row.namespace as string,
    trigger: row.trigger as ExtractionJob["trigger"],
    strategies: JSON.parse(row.strategies as string),
    messageCount: row.message_count as number,
    status: row.status as ExtractionJob["status"],
    createdAt: row.created_at as number,
  };
  const sessionId = optional<string>(row.session_id);
  if (sessionId) job.sessionId = sessionId;
  const startedAt = optional<number>(row.started_at);
  if (startedAt !== undefined) job.startedAt = startedAt;
  const endedAt = optional<number>(row.ended_at);
  if (endedAt !== undefined) job.endedAt = endedAt;
  const outcome = json<ExtractionJob["outcome"]>(row.outcome);
  if (outcome) job.outcome = outcome;
  const error = json<ExtractionJob["error"]>(row.error);
  if (error) job.error = error;
  return job;
}

/** `undefined` becomes SQL NULL. */
export const nullable = (value: string | number | undefined | null): SQLInputValue => value ?? null;

/** Opaque page cursor over (created_at, id). */
export const encodeCursor = (createdAt: number, id: string): string =>
  Buffer.from(JSON.stringify([createdAt, id])).toString("base64url");

export function decodeCursor(cursor: string): [number, string] | undefined {
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(value) && typeof value[0] === "number" && typeof value[1] === "string")
      return [value[0], value[1]];
  } catch {}
  return undefined;
}
