// Markdown tables for the memory benchmarks.

import type { AgentBenchResult } from "./agent-bench.ts";
import type { DiagnoseRow } from "./diagnose.ts";
import type { Latency, SearchBenchResult } from "./search-bench.ts";

const ms = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const cell = (l: Latency): string => `${ms(l.p50)} / ${ms(l.p99)} (n=${l.n})`;
const load = (l: Latency): string => `${l.load[0]}→${l.load[1]}`;

export function renderSearch(r: SearchBenchResult, dims: number, actors: number): string {
  const lines = [
    `### Search latency, ms (p50 / p99), ${dims}-dim vectors, limit 10, one tenant, ${actors} actors`,
    "",
    "| records | scope | bm25 | vector | hybrid | load 1m (bm25; vector; hybrid) |",
    "|---:|---|---:|---:|---:|---|",
  ];
  for (const s of r.sizes) {
    for (const [scope, l] of [
      ["tenant-wide", s.tenantWide],
      ["one actor's namespace", s.actorScoped],
    ] as const) {
      lines.push(
        `| ${s.size.toLocaleString("en")} | ${scope} | ${cell(l.bm25)} | ${cell(l.vector)} | ${cell(l.hybrid)} | ` +
          `${load(l.bm25)}; ${load(l.vector)}; ${load(l.hybrid)} |`,
      );
    }
  }
  lines.push(
    "",
    "Embedding call alone (`embedder.embed([query])`, the hashed test double), p50 / p99 ms: " +
      r.sizes.map((s) => `${s.size.toLocaleString("en")}: ${cell(s.embedding)}`).join("; ") +
      ". First vector search after each build step (loads, builds or catches up the HNSW graph): " +
      r.sizes.map((s) => `${s.size.toLocaleString("en")}: ${ms(s.firstVectorSearchMs)} ms`).join("; ") +
      ".",
  );
  const baseline = r.sizes.filter((s) => s.baseline);
  if (baseline.length > 0) {
    lines.push(
      "",
      "### Hybrid p50, previous path vs current, same store file, queries interleaved (ms)",
      "",
      "| records | scope | previous (exact vec0, unbounded BM25) | current | ratio | n | load 1m |",
      "|---:|---|---:|---:|---:|---:|---|",
    );
    for (const s of baseline)
      for (const b of s.baseline!)
        lines.push(
          `| ${s.size.toLocaleString("en")} | ${b.scope} | ${ms(b.previous)} | ${ms(b.current)} | ` +
            `${(b.previous / b.current).toFixed(0)}× | ${b.n} | ${b.load[0]}→${b.load[1]} |`,
        );
  }
  lines.push(
    "",
    "### Vector recall@10 of `Memory.search(mode: vector)` against exact brute-force cosine in JS",
    "",
    "| records | tenant-wide (tie-aware / strict) | one actor (tie-aware / strict) | queries (tenant; actor) |",
    "|---:|---:|---:|---:|",
  );
  for (const s of r.sizes) {
    const f = (x: number) => x.toFixed(3);
    lines.push(
      `| ${s.size.toLocaleString("en")} | ${f(s.recall.tenantWide.tieAware)} / ${f(s.recall.tenantWide.strict)} | ` +
        `${f(s.recall.actorScoped.tieAware)} / ${f(s.recall.actorScoped.strict)} | ` +
        `${s.recall.tenantWide.queries}; ${s.recall.actorScoped.queries} |`,
    );
  }
  lines.push(
    "",
    "### Build (through `store.apply`, batches of 1000, file store in WAL mode)",
    "",
    "| records | step seconds | rate, rec/s (whole step) | rate, rec/s (inside apply) | DB + WAL size | HNSW files |",
    "|---:|---:|---:|---:|---:|---:|",
  );
  for (const s of r.sizes) {
    lines.push(
      `| ${s.size.toLocaleString("en")} | ${s.buildSeconds.toFixed(1)} | ${s.buildRate.toFixed(0)} | ` +
        `${Number.isFinite(s.applyRate) ? s.applyRate.toFixed(0) : "reused file"} | ` +
        `${(s.dbBytes / 2 ** 20).toFixed(0)} MiB | ${(s.annBytes / 2 ** 20).toFixed(0)} MiB |`,
    );
  }
  for (const k of r.skipped) {
    lines.push(
      "",
      `Skipped ${k.size.toLocaleString("en")}: at the measured ${k.rate.toFixed(0)} rec/s, building the rest would ` +
        `take an EXTRAPOLATED ${k.predictedSeconds.toFixed(0)} s (load ${k.load}).`,
    );
  }
  return lines.join("\n");
}

export function renderAgent(r: AgentBenchResult): string {
  const lines = [
    `### Agent run latency, ms (${r.runs} runs per variant, ${r.turnsPerRun} model calls per run, sessions of ` +
      `${r.turnsPerSession} user turns, store of ${r.storeSize.toLocaleString("en")} records over ${r.actors} actor(s))`,
    "",
    "| variant | median | p90 | p99 | ratio of medians vs off | load 1m |",
    "|---|---:|---:|---:|---:|---|",
  ];
  const off = r.variants.find((v) => v.name === "off")!;
  for (const v of r.variants) {
    lines.push(
      `| ${v.name} | ${ms(v.median)} | ${ms(v.p90)} | ${ms(v.p99)} | ${(v.median / off.median).toFixed(2)}x | ` +
        `${v.load[0]}→${v.load[1]} |`,
    );
  }
  lines.push(
    "",
    `Extraction: ${r.extraction.jobs} jobs queued during the blocks, warm-up runs included (${r.extraction.succeeded} succeeded, ` +
      `${r.extraction.records} records written); draining the queue after the last run took ` +
      `${ms(r.extraction.drainMs)} ms.`,
  );
  return lines.join("\n");
}

export function renderDiagnose(r: { size: number; rows: DiagnoseRow[] }): string {
  const lines = [
    `### Where the time goes at ${r.size.toLocaleString("en")} records (raw statements on the store's file), ms`,
    "",
    "| statement | p50 | p99 | n | load 1m |",
    "|---|---:|---:|---:|---:|",
  ];
  for (const row of r.rows)
    lines.push(`| ${row.what} | ${ms(row.p50)} | ${ms(row.p99)} | ${row.n} | ${row.load} |`);
  return lines.join("\n");
}
