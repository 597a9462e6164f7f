import type { Context, HrTime } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { SpanRecord, SpanStatusName, TraceStore } from "./trace-store.ts";

/** Set by the runtime on each run's `invoke_agent` span; the recorder files the whole trace under it. */
export const TENANT_ATTRIBUTE = "skein.tenant.id";
const RUN_ATTRIBUTE = "skein.run.id";
const SESSION_ATTRIBUTE = "gen_ai.conversation.id";

const kinds = ["internal", "server", "client", "producer", "consumer"];
const statuses: SpanStatusName[] = ["unset", "ok", "error"];

const ms = (time: HrTime): number => time[0] * 1e3 + time[1] / 1e6;

interface TraceOwner {
  tenantId: string;
  runId: string | null;
  sessionId: string | null;
  rootSpanId: string;
}

/**
 * A span processor that keeps finished spans in the `TraceStore`. A trace is kept only when its run span carries
 * the tenant (`skein.tenant.id`): every child span is filed under that tenant and run, so a tenant reads its own
 * traces only, and spans of unknown origin are never stored.
 */
export class TraceRecorder implements SpanProcessor {
  private readonly store: TraceStore;
  private readonly owners = new Map<string, TraceOwner>();

  constructor(store: TraceStore) {
    this.store = store;
  }

  onStart(span: Span, _parentContext: Context): void {
    const tenantId = span.attributes[TENANT_ATTRIBUTE];
    if (typeof tenantId !== "string") return;
    const runId = span.attributes[RUN_ATTRIBUTE];
    const sessionId = span.attributes[SESSION_ATTRIBUTE];
    const { traceId, spanId } = span.spanContext();
    this.owners.set(traceId, {
      tenantId,
      runId: typeof runId === "string" ? runId : null,
      sessionId: typeof sessionId === "string" ? sessionId : null,
      rootSpanId: spanId,
    });
  }

  onEnd(span: ReadableSpan): void {
    const { traceId, spanId } = span.spanContext();
    const owner = this.owners.get(traceId);
    if (!owner) return;
    const root = spanId === owner.rootSpanId;
    if (root) this.owners.delete(traceId);
    const record: SpanRecord = {
      traceId,
      spanId,
      // The run span is the root of what is kept, even under a caller's span.
      parentSpanId: root ? null : (span.parentSpanContext?.spanId ?? null),
      tenantId: owner.tenantId,
      runId: owner.runId,
      sessionId: owner.sessionId,
      name: span.name,
      kind: kinds[span.kind] ?? "internal",
      startTimeMs: ms(span.startTime),
      endTimeMs: ms(span.endTime),
      status: {
        code: statuses[span.status.code] ?? "unset",
        ...(span.status.message ? { message: span.status.message } : {}),
      },
      attributes: { ...span.attributes },
      events: span.events.map((e) => ({ name: e.name, timeMs: ms(e.time), attributes: { ...e.attributes } })),
    };
    this.store.add(record);
  }

  forceFlush(): Promise<void> {
    this.store.flush();
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.store.flush();
    return Promise.resolve();
  }
}
