import { useId, useState } from "react";
import type { UsageRow } from "../../api/types.ts";
import { useClient } from "../../lib/auth.tsx";
import { formatCosts, formatCount } from "../../lib/format.ts";
import { Link } from "../../lib/router.tsx";
import { Async, Empty, PageHeader } from "../../lib/ui.tsx";
import { useApi } from "../../lib/use-api.ts";
import { AgentBars, DailyTokensChart, type DayBar } from "./charts.tsx";
import "./usage.css";

const dayMs = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Every UTC day of the range, with zeros where nothing ran. */
function fillDays(rows: UsageRow[], days: number, today: number): DayBar[] {
  const byDay = new Map(rows.map((r) => [r.key, r]));
  const bars: DayBar[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const day = isoDay(today - i * dayMs);
    const row = byDay.get(day);
    bars.push({ day, input: row?.inputTokens ?? 0, output: row?.outputTokens ?? 0 });
  }
  return bars;
}

export function UsagePage() {
  const client = useClient();
  const [days, setDays] = useState(7);
  const rangeId = useId();
  const usage = useApi(async () => {
    const today = Date.now();
    const from = isoDay(today - (days - 1) * dayMs);
    const [byDay, byAgent] = await Promise.all([
      client.usage({ from, groupBy: "day" }),
      client.usage({ from, groupBy: "agent" }),
    ]);
    return { byDay, byAgent, today };
  }, [client, days]);
  return (
    <section>
      <PageHeader title="Usage">
        <label htmlFor={rangeId}>Range</label>
        <select id={rangeId} value={days} onChange={(e) => setDays(Number(e.target.value))}>
          <option value={7}>Last 7 days</option>
          <option value={30}>Last 30 days</option>
          <option value={90}>Last 90 days</option>
        </select>
      </PageHeader>
      <Async state={usage}>
        {({ byDay, byAgent, today }) => {
          const total = byDay.total;
          if (total.runs === 0)
            return (
              <Empty title="No runs in this range.">
                Tokens and cost appear here once agents run: try the{" "}
                <Link href="/playground">Playground</Link>.
              </Empty>
            );
          return (
            <>
              <div className="stats">
                <div className="stat">
                  <span className="stat-label">Runs</span>
                  <span className="stat-value">{formatCount(total.runs)}</span>
                </div>
                <div className="stat">
                  <span className="stat-label">Tokens</span>
                  <span className="stat-value" data-testid="total-tokens">
                    {formatCount(total.totalTokens)}
                  </span>
                </div>
                <div className="stat">
                  <span className="stat-label">Cost</span>
                  <span className="stat-value">{formatCosts(total.cost)}</span>
                </div>
              </div>
              <h2>Tokens per day</h2>
              <DailyTokensChart days={fillDays(byDay.data, days, today)} />
              <h2>Per agent</h2>
              <AgentBars
                rows={byAgent.data.map((r) => ({
                  label: r.key,
                  value: r.totalTokens,
                  detail: `${formatCount(r.totalTokens)} tokens · ${formatCount(r.runs)} runs · ${formatCosts(r.cost)}`,
                }))}
              />
              <details>
                <summary>Table</summary>
                <table className="data">
                  <caption className="sr-only">Usage per agent</caption>
                  <thead>
                    <tr>
                      <th scope="col">Agent</th>
                      <th scope="col">Runs</th>
                      <th scope="col">Input</th>
                      <th scope="col">Output</th>
                      <th scope="col">Cost</th>
                    </tr>
                  </thead>
                  <tbody>
                    {byAgent.data.map((r) => (
                      <tr key={r.key}>
                        <th scope="row">{r.key}</th>
                        <td>{formatCount(r.runs)}</td>
                        <td>{formatCount(r.inputTokens)}</td>
                        <td>{formatCount(r.outputTokens)}</td>
                        <td>{formatCosts(r.cost)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </details>
            </>
          );
        }}
      </Async>
    </section>
  );
}
