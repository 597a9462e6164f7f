import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import type { Usage } from "@skein/core";

/** One ended run's usage, as the ledger keeps it. */
export interface UsageEntry {
  runId: string;
  tenantId: string;
  sessionId?: string;
  agent: string;
  /** How the run ended: its stop reason (`done`, `cancelled`, `model-error`, ...). */
  status: string;
  endedAt: number;
  usage: Usage;
}

export type UsageGroupBy = "agent" | "day";

export interface UsageQuery {
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  groupBy: UsageGroupBy;
}

export interface UsageTotals {
  runs: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** Cost by currency (`{ "USD": 0.0123 }`); empty when the model catalog has no price for the models used. */
  cost: Record<string, number>;
}

export interface UsageRow extends UsageTotals {
  /** The agent's name, or the UTC day (`2025-01-31`). */
  key: string;
}

const emptyTotals = (): UsageTotals => ({
  runs: 0,
  inputTokens: 0,
  outputTokens: 0,
  totalTokens: 0,
  cost: {},
});

/**
 * Tokens and cost of every ended run, per tenant: `/v1/usage` and the console's charts read it. One row per run
 * (the run's final usage), kept apart from trace retention so usage history outlives traces.
 */
export class UsageLedger {
  private readonly db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.db = db;
  }

  record(entry: UsageEntry): void {
    const { usage } = entry;
    this.db
      .prepare(
        `INSERT OR REPLACE INTO skein_usage (run_id, tenant_id, session_id, agent, status, ended_at, input_tokens,
           output_tokens, total_tokens, cost, currency) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
      )
      .run(
        entry.runId,
        entry.tenantId,
        entry.sessionId ?? null,
        entry.agent,
        entry.status,
        entry.endedAt,
        usage.inputTokens,
        usage.outputTokens,
        usage.totalTokens,
        usage.cost?.total ?? null,
        usage.cost?.currency ?? null,
      );
  }

  /** The tenant's usage in `[from, to)`, grouped by agent (most tokens first) or by UTC day (oldest first). */
  query(tenantId: string, query: UsageQuery): { data: UsageRow[]; total: UsageTotals } {
    const key = query.groupBy === "day" ? "strftime('%Y-%m-%d', ended_at / 1000, 'unixepoch')" : "agent";
    const params: SQLInputValue[] = [tenantId, query.from, query.to];
    const rows = this.db
      .prepare(
        `SELECT ${key} AS key, currency, COUNT(*) AS runs, SUM(input_tokens) AS input, SUM(output_tokens) AS output,
           SUM(total_tokens) AS total, SUM(cost) AS cost
         FROM skein_usage WHERE tenant_id = ? AND ended_at >= ? AND ended_at < ?
         GROUP BY key, currency`,
      )
      .all(...params);
    const byKey = new Map<string, UsageRow>();
    const total = emptyTotals();
    for (const row of rows) {
      const k = row.key as string;
      let entry = byKey.get(k);
      if (!entry) {
        entry = { key: k, ...emptyTotals() };
        byKey.set(k, entry);
      }
      for (const target of [entry, total]) {
        target.runs += row.runs as number;
        target.inputTokens += row.input as number;
        target.outputTokens += row.output as number;
        target.totalTokens += row.total as number;
        if (row.currency !== null && row.cost !== null) {
          const currency = row.currency as string;
          target.cost[currency] = (target.cost[currency] ?? 0) + (row.cost as number);
        }
      }
    }
    const data = [...byKey.values()];
    if (query.groupBy === "day") data.sort((a, b) => a.key.localeCompare(b.key));
    else data.sort((a, b) => b.totalTokens - a.totalTokens || a.key.localeCompare(b.key));
    return { data, total };
  }
}
