import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import { transaction as inTransaction } from "@skein/sqlite";

export type SpanStatusName = "unset" | "ok" | "error";

/** One finished span as the runtime keeps it. Times are epoch milliseconds (fractional). */
export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  tenantId: string;
  runId: string | null;
  sessionId: string | null;
  name: string;
  kind: string;
  startTimeMs: number;
  endTimeMs: number;
  status: { code: SpanStatusName; message?: string };
  attributes: Record<string, unknown>;
  events: { name: string; timeMs: number; attributes: Record<string, unknown> }[];
}

/** A span as the API returns it: the tenant is the caller's own and is left out. */
export type SpanView = Omit<SpanRecord, "tenantId"> & { durationMs: number };

export interface TraceSummary {
  traceId: string;
  runId: string | null;
  sessionId: string | null;
  agent: string | null;
  name: string;
  startTimeMs: number;
  durationMs: number;
  status: SpanStatusName;
  inputTokens: number | null;
  outputTokens: number | null;
}

export interface TraceRetention {
  /** The newest this many traces are kept (default 10 000). */
  maxTraces: number;
  /** Traces older than this are dropped (default 7 days). */
  maxAgeMs: number;
}

export const defaultTraceRetention: TraceRetention = { maxTraces: 10_000, maxAgeMs: 7 * 24 * 3_600_000 };

const statusCodes: SpanStatusName[] = ["unset", "ok", "error"];
const num = (v: unknown): number | null => (typeof v === "number" ? v : null);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

const spanColumns =
  "trace_id, span_id, parent_span_id, tenant_id, run_id, session_id, name, kind, start_time, end_time, " +
  "status_code, status_message, attributes, events";

/**
 * Finished spans in SQLite with bounded retention, so the console shows traces without a collector. Spans are
 * buffered and written in one transaction per event-loop turn; every read flushes first, so a reader always
 * sees the spans that ended before it asked.
 */
export class TraceStore {
  private readonly db: DatabaseSync;
  private readonly retention: TraceRetention;
  private readonly now: () => number;
  private pending: SpanRecord[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  private rootsSincePrune = 0;
  private closed = false;

  constructor(db: DatabaseSync, options: { retention?: Partial<TraceRetention>; now?: () => number } = {}) {
    this.db = db;
    this.retention = { ...defaultTraceRetention, ...options.retention };
    this.now = options.now ?? Date.now;
  }

  add(span: SpanRecord): void {
    if (this.closed) return;
    this.pending.push(span);
    this.scheduled ??= setImmediate(() => this.flush());
  }

  /** Writes buffered spans now; prunes after every few hundred traces. */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    if (this.pending.length === 0 || this.closed) return;
    const spans = this.pending;
    this.pending = [];
    inTransaction(this.db, () => {
      const insertSpan = this.db.prepare(
        `INSERT OR REPLACE INTO skein_trace_spans (${spanColumns}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
      );
      const insertTrace = this.db.prepare(
        // A trace starts with its earliest span: a run resumed after a crash keeps its trace (its run span has the
        // ids of the one lost in the crash), and the spans from before the crash started before the new run span.
        `INSERT OR REPLACE INTO skein_traces (trace_id, tenant_id, run_id, session_id, agent, name, start_time,
           end_time, status_code, input_tokens, output_tokens)
         VALUES (?,?,?,?,?,?,(SELECT MIN(start_time) FROM skein_trace_spans WHERE trace_id = ?),?,?,?,?)`,
      );
      for (const s of spans) {
        insertSpan.run(
          s.traceId,
          s.spanId,
          s.parentSpanId,
          s.tenantId,
          s.runId,
          s.sessionId,
          s.name,
          s.kind,
          s.startTimeMs,
          s.endTimeMs,
          statusCodes.indexOf(s.status.code),
          s.status.message ?? null,
          JSON.stringify(s.attributes),
          JSON.stringify(s.events),
        );
        if (s.parentSpanId !== null) continue;
        this.rootsSincePrune++;
        insertTrace.run(
          s.traceId,
          s.tenantId,
          s.runId,
          s.sessionId,
          str(s.attributes["gen_ai.agent.name"]),
          s.name,
          s.traceId,
          s.endTimeMs,
          statusCodes.indexOf(s.status.code),
          num(s.attributes["gen_ai.usage.input_tokens"]),
          num(s.attributes["gen_ai.usage.output_tokens"]),
        );
      }
    });
    if (this.rootsSincePrune >= 200) this.prune();
  }

  /** The spans of one run of the tenant, oldest first (empty when none were kept). */
  runSpans(tenantId: string, runId: string): SpanView[] {
    this.flush();
    const rows = this.db
      .prepare(
        `SELECT ${spanColumns} FROM skein_trace_spans WHERE tenant_id = ? AND run_id = ?
         ORDER BY start_time, span_id`,
      )
      .all(tenantId, runId);
    return rows.map((row) => {
      const startTimeMs = row.start_time as number;
      const endTimeMs = row.end_time as number;
      const message = row.status_message as string | null;
      return {
        traceId: row.trace_id as string,
        spanId: row.span_id as string,
        parentSpanId: (row.parent_span_id as string | null) ?? null,
        runId: row.run_id as string | null,
        sessionId: row.session_id as string | null,
        name: row.name as string,
        kind: row.kind as string,
        startTimeMs,
        endTimeMs,
        durationMs: endTimeMs - startTimeMs,
        status: {
          code: statusCodes[row.status_code as number] ?? "unset",
          ...(message ? { message } : {}),
        },
        attributes: JSON.parse(row.attributes as string),
        events: JSON.parse(row.events as string),
      };
    });
  }

  /** The tenant's newest traces (one per run), newest first. */
  listTraces(
    tenantId: string,
    query: { limit?: number; agent?: string; sessionId?: string; before?: number } = {},
  ): TraceSummary[] {
    this.flush();
    const where = ["tenant_id = ?"];
    const params: SQLInputValue[] = [tenantId];
    const filter = (clause: string, value: SQLInputValue | undefined) => {
      if (value === undefined) return;
      where.push(clause);
      params.push(value);
    };
    filter("agent = ?", query.agent);
    filter("session_id = ?", query.sessionId);
    filter("start_time < ?", query.before);
    params.push(query.limit ?? 50);
    const rows = this.db
      .prepare(
        `SELECT * FROM skein_traces WHERE ${where.join(" AND ")} ORDER BY start_time DESC, trace_id LIMIT ?`,
      )
      .all(...params);
    return rows.map((row) => ({
      traceId: row.trace_id as string,
      runId: row.run_id as string | null,
      sessionId: row.session_id as string | null,
      agent: row.agent as string | null,
      name: row.name as string,
      startTimeMs: row.start_time as number,
      durationMs: (row.end_time as number) - (row.start_time as number),
      status: statusCodes[row.status_code as number] ?? "unset",
      inputTokens: row.input_tokens as number | null,
      outputTokens: row.output_tokens as number | null,
    }));
  }

  /**
   * Applies the retention: keeps the newest `maxTraces` traces younger than `maxAgeMs`, and drops spans older
   * than `maxAgeMs` whose trace never finished (a crash mid-run). Returns how many rows went.
   */
  prune(): { traces: number; spans: number } {
    if (this.closed) return { traces: 0, spans: 0 };
    this.rootsSincePrune = 0;
    const cutoff = this.now() - this.retention.maxAgeMs;
    const doomed = `SELECT trace_id FROM skein_traces WHERE start_time < ?
      UNION SELECT trace_id FROM (SELECT trace_id FROM skein_traces ORDER BY start_time DESC LIMIT -1 OFFSET ?)`;
    return inTransaction(this.db, () => {
      const spans = this.db
        .prepare(`DELETE FROM skein_trace_spans WHERE trace_id IN (${doomed}) OR start_time < ?`)
        .run(cutoff, this.retention.maxTraces, cutoff).changes;
      const traces = this.db
        .prepare(`DELETE FROM skein_traces WHERE trace_id IN (${doomed})`)
        .run(cutoff, this.retention.maxTraces).changes;
      return { traces: Number(traces), spans: Number(spans) };
    });
  }

  /** Flushes what is buffered; the database itself is closed by its owner. */
  close(): void {
    this.flush();
    this.closed = true;
  }
}
