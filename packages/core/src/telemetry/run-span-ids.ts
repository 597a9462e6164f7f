import { createHash } from "node:crypto";
import { type IdGenerator, RandomIdGenerator } from "@opentelemetry/sdk-trace-base";

/**
 * A tracer provider's `idGenerator` that gives each run's `invoke_agent` span a trace id and span id derived from
 * its run id, and every other span random ones. A run resumed after a crash (a new process, the same run id) then
 * starts its span with the ids of the span lost in the crash: the spans recorded before the crash are its children
 * again, and the whole run is one trace. Pass it to the provider and to `tracingPlugin({ runSpanIds })`.
 */
export class RunSpanIds implements IdGenerator {
  private readonly random = new RandomIdGenerator();
  private pending: { traceId: string; spanId: string } | undefined;

  /** Runs `startSpan` (which must start exactly one span, synchronously) with the run span ids of `runId`. */
  during<T>(runId: string, startSpan: () => T): T {
    this.pending = runSpanIdsOf(runId);
    try {
      return startSpan();
    } finally {
      this.pending = undefined;
    }
  }

  generateTraceId(): string {
    return this.pending?.traceId ?? this.random.generateTraceId();
  }

  generateSpanId(): string {
    return this.pending?.spanId ?? this.random.generateSpanId();
  }
}

/** The trace and span ids of a run's span: the first 16 and the next 8 bytes of SHA-256 of the run id. */
export function runSpanIdsOf(runId: string): { traceId: string; spanId: string } {
  const hex = createHash("sha256").update(`skein.run:${runId}`).digest("hex");
  return { traceId: hex.slice(0, 32), spanId: hex.slice(32, 48) };
}
