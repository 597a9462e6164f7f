import { describe, expect, it } from "vitest";
import { openTelemetryDb } from "../../src/telemetry/telemetry-db.ts";
import { type SpanRecord, TraceStore } from "../../src/telemetry/trace-store.ts";

const minute = 60_000;

function span(
  traceId: string,
  spanId: string,
  parent: string | null,
  startTimeMs: number,
  extra = {},
): SpanRecord {
  return {
    traceId,
    spanId,
    parentSpanId: parent,
    tenantId: "tenant-a",
    runId: `run_${traceId}`,
    sessionId: "ses_1",
    name: parent === null ? "invoke_agent echo" : "chat scripted",
    kind: parent === null ? "internal" : "client",
    startTimeMs,
    endTimeMs: startTimeMs + 5,
    status: { code: "unset" },
    attributes: parent === null ? { "gen_ai.agent.name": "echo", "gen_ai.usage.input_tokens": 12 } : {},
    events: [],
    ...extra,
  };
}

/** A finished trace: a run span with one child. */
const trace = (id: string, at: number): SpanRecord[] => [
  span(id, `${id}-c`, `${id}-r`, at + 1),
  span(id, `${id}-r`, null, at),
];

describe("TraceStore (SQLite, bounded retention)", () => {
  it("keeps spans with their tree, and reads them back per tenant and run", () => {
    const store = new TraceStore(openTelemetryDb(":memory:"));
    for (const s of trace("t1", 1000)) store.add(s);
    store.add({ ...span("t2", "t2-r", null, 2000), tenantId: "tenant-b" });
    const spans = store.runSpans("tenant-a", "run_t1");
    expect(spans.map((s) => [s.spanId, s.parentSpanId, s.durationMs])).toEqual([
      ["t1-r", null, 5],
      ["t1-c", "t1-r", 5],
    ]);
    expect(spans[0]).not.toHaveProperty("tenantId");
    expect(store.runSpans("tenant-b", "run_t1")).toEqual([]);
    expect(store.listTraces("tenant-a")).toMatchObject([
      { traceId: "t1", runId: "run_t1", agent: "echo", inputTokens: 12, status: "unset" },
    ]);
    expect(store.listTraces("tenant-b").map((t) => t.traceId)).toEqual(["t2"]);
  });

  it("prunes to the newest N traces, with their spans", () => {
    const store = new TraceStore(openTelemetryDb(":memory:"), {
      retention: { maxTraces: 2 },
      now: () => 10_000,
    });
    for (const [i, id] of ["a", "b", "c", "d"].entries()) for (const s of trace(id, 1000 + i)) store.add(s);
    store.flush();
    expect(store.prune()).toEqual({ traces: 2, spans: 4 });
    expect(store.listTraces("tenant-a").map((t) => t.traceId)).toEqual(["d", "c"]);
    expect(store.runSpans("tenant-a", "run_a")).toEqual([]);
    expect(store.runSpans("tenant-a", "run_d")).toHaveLength(2);
  });

  it("drops traces older than the maximum age, and orphan spans of runs that never finished", () => {
    let now = 100 * minute;
    const store = new TraceStore(openTelemetryDb(":memory:"), {
      retention: { maxAgeMs: 30 * minute },
      now: () => now,
    });
    for (const s of trace("old", 10 * minute)) store.add(s);
    for (const s of trace("new", 90 * minute)) store.add(s);
    store.add(span("crashed", "crashed-c", "crashed-r", 20 * minute)); // its run span never ended
    store.add(span("running", "running-c", "running-r", 95 * minute)); // a run still in flight
    store.flush();
    expect(store.prune()).toEqual({ traces: 1, spans: 3 });
    expect(store.listTraces("tenant-a").map((t) => t.traceId)).toEqual(["new"]);
    expect(store.runSpans("tenant-a", "run_running")).toHaveLength(1);
    now = 200 * minute;
    store.prune();
    expect(store.listTraces("tenant-a")).toEqual([]);
    expect(store.runSpans("tenant-a", "run_running")).toEqual([]);
  });

  it("survives a restart: the file keeps what was flushed", async () => {
    const { mkdtemp, rm } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const path = await import("node:path");
    const dir = await mkdtemp(path.join(tmpdir(), "skein-traces-"));
    try {
      const file = path.join(dir, "telemetry.db");
      const db = openTelemetryDb(file);
      const first = new TraceStore(db);
      for (const s of trace("t1", 1000)) first.add(s);
      first.close();
      db.close();
      const reopened = new TraceStore(openTelemetryDb(file));
      expect(reopened.runSpans("tenant-a", "run_t1")).toHaveLength(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
