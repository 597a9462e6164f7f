import { randomUUID } from "node:crypto";
import type { SQLInputValue } from "node:sqlite";
import { ExtractionJobNotFoundError } from "../store/errors.ts";
import type {
  ExtractionJob,
  ExtractionJobPatch,
  ExtractionJobQuery,
  NewExtractionJob,
} from "../store/types.ts";
import { type Connection, Where } from "./connection.ts";
import { jobFromRow, nullable } from "./rows.ts";

export function createJob(c: Connection, tenantId: string, job: NewExtractionJob): ExtractionJob {
  const row = c.get(
    `INSERT INTO memory_jobs (tenant_id, id, namespace, session_id, trigger, strategies, message_count, status,
                              created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?) RETURNING *`,
    tenantId,
    job.id ?? randomUUID(),
    job.namespace,
    nullable(job.sessionId),
    job.trigger,
    JSON.stringify(job.strategies),
    job.messageCount,
    c.now(),
  );
  return jobFromRow(row!);
}

export function updateJob(
  c: Connection,
  tenantId: string,
  id: string,
  patch: ExtractionJobPatch,
): ExtractionJob {
  const now = c.now();
  let row: Record<string, unknown> | undefined;
  if (patch.status === "running") {
    row = c.get(
      "UPDATE memory_jobs SET status = 'running', started_at = ? WHERE tenant_id = ? AND id = ? RETURNING *",
      now,
      tenantId,
      id,
    );
  } else {
    const error: SQLInputValue = patch.status === "failed" ? JSON.stringify(patch.error) : null;
    row = c.get(
      `UPDATE memory_jobs SET status = ?, ended_at = ?, outcome = ?, error = ?
       WHERE tenant_id = ? AND id = ? RETURNING *`,
      patch.status,
      now,
      patch.outcome ? JSON.stringify(patch.outcome) : null,
      error,
      tenantId,
      id,
    );
  }
  if (!row) throw new ExtractionJobNotFoundError(id);
  return jobFromRow(row);
}

export function getJob(c: Connection, tenantId: string, id: string): ExtractionJob | undefined {
  const row = c.get("SELECT * FROM memory_jobs WHERE tenant_id = ? AND id = ?", tenantId, id);
  return row ? jobFromRow(row) : undefined;
}

export function listJobs(c: Connection, tenantId: string, query: ExtractionJobQuery = {}): ExtractionJob[] {
  const where = new Where().add("tenant_id = ?", tenantId);
  if (query.sessionId !== undefined) where.add("session_id = ?", query.sessionId);
  if (query.status !== undefined) where.add("status = ?", query.status);
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 500);
  return c
    .all(
      `SELECT * FROM memory_jobs WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT ?`,
      ...where.params,
      limit,
    )
    .map(jobFromRow);
}
