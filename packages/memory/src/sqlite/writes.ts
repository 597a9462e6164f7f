import { randomUUID } from "node:crypto";
import {
  ExtractionJobNotFoundError,
  InvalidMemoryInputError,
  MemoryRecordNotFoundError,
} from "../store/errors.ts";
import { assertNamespace } from "../store/namespace.ts";
import type {
  MemoryChangeAction,
  MemoryPatch,
  MemoryRecord,
  MemoryStatus,
  MemoryWriteOp,
  MemoryWriteResult,
  NewMemoryRecord,
} from "../store/types.ts";
import { spaceCjkWords } from "../text/cjk-words.ts";
import type { Connection, Row } from "./connection.ts";
import { nullable, recordFromRow } from "./rows.ts";
import type { VectorIndex } from "./vector-index.ts";

const MAX_TEXT = 32_000;

function checkText(text: unknown): string {
  if (typeof text !== "string" || text.trim().length === 0)
    throw new InvalidMemoryInputError("A memory record's text may not be empty");
  if (text.length > MAX_TEXT)
    throw new InvalidMemoryInputError(`A memory record's text may hold at most ${MAX_TEXT} characters`);
  return text;
}

function checkKind(kind: unknown): string {
  if (typeof kind !== "string" || !/^[a-z][a-z0-9_-]{0,63}$/.test(kind))
    throw new InvalidMemoryInputError(
      `Invalid kind ${JSON.stringify(kind)}: lower-case letters, digits, - and _`,
    );
  return kind;
}

/** Writes of one `apply` call, run inside its transaction. */
export class RecordWriter {
  private readonly c: Connection;
  private readonly vectors: VectorIndex | undefined;
  private readonly tenantId: string;
  private readonly jobId: string | undefined;
  private readonly now: number;

  constructor(c: Connection, vectors: VectorIndex | undefined, tenantId: string, jobId?: string) {
    this.c = c;
    this.vectors = vectors;
    this.tenantId = tenantId;
    this.jobId = jobId;
    this.now = c.now();
  }

  /** Validates every op before the first write, so bad input never starts the transaction's work. */
  static validate(ops: MemoryWriteOp[], vectors: VectorIndex | undefined): void {
    for (const op of ops) {
      if (op.op === "create" || op.op === "supersede") {
        assertNamespace(op.record.namespace);
        checkText(op.record.text);
        checkKind(op.record.kind);
      }
      if (op.op === "update") {
        if (op.patch.text !== undefined) checkText(op.patch.text);
        if (op.patch.kind !== undefined) checkKind(op.patch.kind);
      }
      if ((op.op === "create" || op.op === "update" || op.op === "supersede") && op.embedding) {
        if (!vectors) throw new InvalidMemoryInputError("This store keeps no vectors; leave `embedding` out");
        vectors.check(op.embedding);
      }
    }
  }

  applyAll(ops: MemoryWriteOp[]): MemoryWriteResult {
    // A job whose namespace was deleted while it ran must not bring the deleted memory back.
    if (
      this.jobId &&
      !this.c.get("SELECT 1 FROM memory_jobs WHERE tenant_id = ? AND id = ?", this.tenantId, this.jobId)
    )
      throw new ExtractionJobNotFoundError(this.jobId);
    const result: MemoryWriteResult = { created: [], updated: [], retired: [] };
    for (const op of ops) {
      switch (op.op) {
        case "create":
          result.created.push(this.create(op.record, op.embedding));
          break;
        case "update":
          result.updated.push(this.update(op.id, op.patch, op.embedding, op.reason));
          break;
        case "supersede": {
          const created = this.create(op.record, op.embedding, op.id);
          result.created.push(created);
          result.retired.push(this.retire(op.id, op.reason, created.id));
          break;
        }
        case "retire":
          result.retired.push(this.retire(op.id, op.reason));
          break;
      }
    }
    return result;
  }

  private row(id: string): Row {
    const row = this.c.get("SELECT * FROM memory_records WHERE tenant_id = ? AND id = ?", this.tenantId, id);
    if (!row) throw new MemoryRecordNotFoundError(id);
    return row;
  }

  private history(
    recordId: string,
    action: MemoryChangeAction,
    extra: Partial<Record<string, string>>,
  ): void {
    this.c.run(
      `INSERT INTO memory_history (tenant_id, record_id, seq, action, at, previous_text, related_id, reason, job_id)
       VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM memory_history WHERE tenant_id = ? AND record_id = ?),
               ?, ?, ?, ?, ?, ?)`,
      this.tenantId,
      recordId,
      this.tenantId,
      recordId,
      action,
      this.now,
      nullable(extra.previousText),
      nullable(extra.relatedId),
      nullable(extra.reason),
      nullable(this.jobId),
    );
  }

  private create(
    record: NewMemoryRecord,
    embedding: number[] | undefined,
    supersedes?: string,
  ): MemoryRecord {
    const id = record.id ?? randomUUID();
    const provenance = { eventIds: [], ...record.provenance };
    if (this.jobId && !provenance.jobId) provenance.jobId = this.jobId;
    const createdAt = record.createdAt ?? this.now;
    if (this.c.get("SELECT 1 FROM memory_records WHERE tenant_id = ? AND id = ?", this.tenantId, id))
      throw new InvalidMemoryInputError(`A memory record with id ${id} already exists`);
    const row = this.c.get(
      `INSERT INTO memory_records (tenant_id, id, namespace, kind, text, provenance, metadata, status, supersedes,
                                   created_at, updated_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?) RETURNING *`,
      this.tenantId,
      id,
      record.namespace,
      record.kind,
      record.text,
      JSON.stringify(provenance),
      record.metadata ? JSON.stringify(record.metadata) : null,
      nullable(supersedes),
      createdAt,
      this.now,
      nullable(record.expiresAt),
    )!;
    const seq = row.seq as number;
    this.c.run("INSERT INTO memory_fts (rowid, text) VALUES (?, ?)", seq, spaceCjkWords(record.text));
    if (embedding) this.vectors!.put(seq, this.tenantId, "active", embedding);
    this.history(id, "created", { relatedId: supersedes, reason: provenance.source });
    return recordFromRow(row);
  }

  private update(
    id: string,
    patch: MemoryPatch,
    embedding: number[] | undefined,
    reason?: string,
  ): MemoryRecord {
    const current = this.row(id);
    if (current.status !== "active") throw new MemoryRecordNotFoundError(id, "is retired");
    const seq = current.seq as number;
    const textChanged = patch.text !== undefined && patch.text !== current.text;
    const expiresAt =
      patch.expiresAt === null ? null : (patch.expiresAt ?? (current.expires_at as number | null));
    const row = this.c.get(
      `UPDATE memory_records SET text = ?, kind = ?, metadata = ?, expires_at = ?, updated_at = ?
       WHERE seq = ? RETURNING *`,
      patch.text ?? (current.text as string),
      patch.kind ?? (current.kind as string),
      patch.metadata ? JSON.stringify(patch.metadata) : (current.metadata as string | null),
      expiresAt,
      this.now,
      seq,
    )!;
    if (textChanged) {
      this.c.run("DELETE FROM memory_fts WHERE rowid = ?", seq);
      this.c.run("INSERT INTO memory_fts (rowid, text) VALUES (?, ?)", seq, spaceCjkWords(patch.text!));
      // A vector of the old text would mislead search; without a new one the record is found by text only.
      if (!embedding) this.vectors?.delete(seq, this.tenantId);
    }
    if (embedding) this.vectors!.put(seq, this.tenantId, "active", embedding);
    this.history(id, "updated", { previousText: textChanged ? (current.text as string) : undefined, reason });
    return recordFromRow(row);
  }

  private retire(id: string, reason: string, supersededBy?: string): MemoryRecord {
    const current = this.row(id);
    if (current.status !== "active") throw new MemoryRecordNotFoundError(id, "is already retired");
    const row = this.c.get(
      `UPDATE memory_records SET status = 'retired', retired_reason = ?, superseded_by = ?, updated_at = ?
       WHERE seq = ? RETURNING *`,
      reason,
      nullable(supersededBy),
      this.now,
      current.seq as number,
    )!;
    this.vectors?.setStatus(current.seq as number, this.tenantId, "retired" satisfies MemoryStatus);
    this.history(id, supersededBy ? "superseded" : "retired", { relatedId: supersededBy, reason });
    return recordFromRow(row);
  }
}

/**
 * Removes records (by `seq`) from the base table, the history, the text index and the vector index. Links from
 * surviving records to removed ones are cleared. Runs inside the caller's transaction.
 */
export function deleteRows(
  c: Connection,
  vectors: VectorIndex | undefined,
  rows: { tenantId: string; id: string; seq: number }[],
): void {
  for (const row of rows) {
    c.run("DELETE FROM memory_fts WHERE rowid = ?", row.seq);
    vectors?.delete(row.seq, row.tenantId);
    c.run("DELETE FROM memory_history WHERE tenant_id = ? AND record_id = ?", row.tenantId, row.id);
    c.run("DELETE FROM memory_records WHERE seq = ?", row.seq);
    c.run(
      "UPDATE memory_records SET supersedes = NULL WHERE tenant_id = ? AND supersedes = ?",
      row.tenantId,
      row.id,
    );
    c.run(
      "UPDATE memory_records SET superseded_by = NULL WHERE tenant_id = ? AND superseded_by = ?",
      row.tenantId,
      row.id,
    );
  }
}
