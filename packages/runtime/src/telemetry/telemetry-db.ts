import { mkdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";

/**
 * The telemetry database: traces and the usage ledger, in their own SQLite file next to the store's
 * (`<dataDir>/telemetry.db`), so they never touch the store's migrations or contend for its write lock.
 * The schema is created in place (`IF NOT EXISTS`); its version is `user_version`, for a later change.
 */
const schema = `
CREATE TABLE IF NOT EXISTS skein_traces (
  trace_id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  run_id TEXT,
  session_id TEXT,
  agent TEXT,
  name TEXT NOT NULL,
  start_time REAL NOT NULL,
  end_time REAL NOT NULL,
  status_code INTEGER NOT NULL,
  input_tokens INTEGER,
  output_tokens INTEGER
);
CREATE INDEX IF NOT EXISTS skein_traces_tenant ON skein_traces (tenant_id, start_time DESC);
CREATE INDEX IF NOT EXISTS skein_traces_run ON skein_traces (tenant_id, run_id);
CREATE INDEX IF NOT EXISTS skein_traces_start ON skein_traces (start_time);

CREATE TABLE IF NOT EXISTS skein_trace_spans (
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  parent_span_id TEXT,
  tenant_id TEXT NOT NULL,
  run_id TEXT,
  session_id TEXT,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  start_time REAL NOT NULL,
  end_time REAL NOT NULL,
  status_code INTEGER NOT NULL,
  status_message TEXT,
  attributes TEXT NOT NULL,
  events TEXT NOT NULL,
  PRIMARY KEY (trace_id, span_id)
);
CREATE INDEX IF NOT EXISTS skein_trace_spans_run ON skein_trace_spans (tenant_id, run_id);
CREATE INDEX IF NOT EXISTS skein_trace_spans_start ON skein_trace_spans (start_time);

CREATE TABLE IF NOT EXISTS skein_usage (
  run_id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  session_id TEXT,
  agent TEXT NOT NULL,
  status TEXT NOT NULL,
  ended_at INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  total_tokens INTEGER NOT NULL,
  cost REAL,
  currency TEXT
);
CREATE INDEX IF NOT EXISTS skein_usage_tenant ON skein_usage (tenant_id, ended_at);
`;

export const TELEMETRY_SCHEMA_VERSION = 1;

/** Opens (creating when needed) the telemetry database at `file`, or in memory for `:memory:`. */
export function openTelemetryDb(file: string): DatabaseSync {
  if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true });
  const db = new DatabaseSync(file, { timeout: 5000 });
  if (file !== ":memory:") db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec(schema);
  db.exec(`PRAGMA user_version = ${TELEMETRY_SCHEMA_VERSION}`);
  return db;
}
