/** Markdown tables of the side-by-side comparison, each figure with its ratio to the raw fetch baseline. */
import type { PeerFigures, settingsFor } from "./peer-compare.ts";
import { fmtBytes, fmtMs, fmtRatio, fmtSpread, type Summary, table } from "./stats.ts";

const STEPS = 3;

type Settings = ReturnType<typeof settingsFor>;

const na = "n/a";

/** "Best: X; Skein k of n" over the frameworks (the baseline excluded), lower or higher being better. */
function ranking(
  all: PeerFigures[],
  value: (f: PeerFigures) => number | undefined,
  lowerIsBetter = true,
): string {
  const ranked = all
    .filter((f) => f.id !== "raw")
    .map((f) => ({ f, v: value(f) }))
    .filter((x): x is { f: PeerFigures; v: number } => x.v !== undefined && Number.isFinite(x.v))
    .sort((a, b) => (lowerIsBetter ? a.v - b.v : b.v - a.v));
  if (ranked.length === 0) return "";
  const skein = ranked.findIndex((x) => x.f.id === "skein");
  return `Best framework: **${ranked[0]!.f.label}**; Skein ranks ${skein === -1 ? "n/a" : skein + 1} of ${ranked.length}.`;
}

const ratio = (v: number | undefined, base: number | undefined) =>
  v === undefined || base === undefined ? na : fmtRatio(v / base);

export function peerMarkdown(all: PeerFigures[], s: Settings): string {
  const raw = all.find((f) => f.id === "raw");
  const rows = (make: (f: PeerFigures) => string[]) => all.map((f) => [f.label, ...make(f)]);
  const spread = (x: Summary | undefined, scale = 1) =>
    x ? fmtSpread({ ...x, median: x.median / scale, p10: x.p10 / scale, p90: x.p90 / scale }) : na;
  const out: string[] = [];

  out.push(
    "#### Versions",
    "",
    table(
      ["contender", "versions", "problems"],
      rows((f) => [f.versions, f.errors.length > 0 ? f.errors.join("; ") : "–"]),
    ),
    "",
  );

  out.push(
    "#### Per-step overhead (zero-latency mock)",
    "",
    `${s.step.rounds} interleaved rounds of ${s.step.perRound} runs per framework after ${s.step.warmup} warm-up runs; ` +
      `one run = ${STEPS} model steps, each streamed (\`stream: true\`) by every framework.`,
    "",
    table(
      [
        "contender",
        "wall per run: median (p10–p90)",
        "wall per step",
        "CPU per step",
        "wall ratio",
        "CPU ratio",
      ],
      rows((f) => [
        spread(f.step?.perRun),
        f.step ? fmtMs(f.step.perRun.median / STEPS) : na,
        f.step ? fmtMs(f.step.cpuPerRun / STEPS) : na,
        ratio(f.step?.perRun.median, raw?.step?.perRun.median),
        ratio(f.step?.cpuPerRun, raw?.step?.cpuPerRun),
      ]),
    ),
    "",
    ranking(all, (f) => f.step?.perRun.median),
    "",
  );

  const chunks = s.stream.chunks;
  out.push(
    `#### Streaming (${chunks.toLocaleString("en-US")} chunks, no tools)`,
    "",
    `${s.stream.rounds * s.stream.perRound} runs per framework after ${s.stream.warmup} warm-up runs, interleaved. ` +
      "First chunk = from the call to the first text piece reaching user code.",
    "",
    table(
      [
        "contender",
        "first chunk: median (p10–p90)",
        "added to first chunk",
        "whole stream",
        "per chunk",
        "added per chunk",
        "ratio",
      ],
      rows((f) => [
        spread(f.stream?.first),
        f.stream && raw?.stream ? fmtMs(f.stream.first.median - raw.stream.first.median) : na,
        spread(f.stream?.total),
        spread(f.stream?.total, chunks),
        f.stream && raw?.stream ? fmtMs((f.stream.total.median - raw.stream.total.median) / chunks) : na,
        ratio(f.stream?.total.median, raw?.stream?.total.median),
      ]),
    ),
    "",
    ranking(all, (f) => f.stream?.total.median),
    "",
  );

  out.push(
    "#### Cold start (fresh process)",
    "",
    `${s.coldRuns} fresh processes per framework, no compile cache. Import = \`import()\` of the one-agent module ` +
      "(the framework and the agent's code; each adapter module is TypeScript, and Node's type stripping is warmed " +
      "first, so it is not counted; every framework, Skein included, is imported as its published JavaScript).",
    "",
    table(
      [
        "contender",
        "import: median (p10–p90)",
        "first run",
        "import + first run",
        "ratio (import + first run)",
      ],
      rows((f) => [
        spread(f.cold?.importMs),
        spread(f.cold?.firstRunMs),
        f.cold ? fmtMs(f.cold.importMs.median + f.cold.firstRunMs.median) : na,
        f.cold && raw?.cold
          ? fmtRatio(
              (f.cold.importMs.median + f.cold.firstRunMs.median) /
                (raw.cold.importMs.median + raw.cold.firstRunMs.median),
            )
          : na,
      ]),
    ),
    "",
    ranking(all, (f) => (f.cold ? f.cold.importMs.median + f.cold.firstRunMs.median : undefined)),
    "",
  );

  out.push(
    `#### Memory after ${s.memory.runs.toLocaleString("en-US")} runs`,
    "",
    `${s.memory.freshProcess ? "Each framework alone in a fresh process" : "In the workers above (--quick)"} ` +
      `(\`--expose-gc\`): ${s.memory.warmup} warm-up runs, a full GC, ` +
      `${s.memory.runs.toLocaleString("en-US")} sequential runs, a full GC. Growth = after minus after warm-up.`,
    "",
    table(
      ["contender", "heap used", "RSS", "heap growth", "RSS growth", "heap ratio"],
      rows((f) => [
        f.memory ? fmtBytes(f.memory.heapUsed) : na,
        f.memory ? fmtBytes(f.memory.rss) : na,
        f.memory ? fmtBytes(f.memory.heapGrowth) : na,
        f.memory ? fmtBytes(f.memory.rssGrowth) : na,
        ratio(f.memory?.heapUsed, raw?.memory?.heapUsed),
      ]),
    ),
    "",
    ranking(all, (f) => f.memory?.heapUsed),
    "",
  );

  const levels = Object.keys(s.throughput).map(Number);
  out.push(
    "#### Throughput (runs per second, one process)",
    "",
    `Runs: ${levels.map((c) => `${s.throughput[c]} at concurrency ${c}`).join(", ")}; one agent instance shared.`,
    "",
    table(
      ["contender", ...levels.flatMap((c) => [`c=${c}`, `ratio c=${c}`])],
      rows((f) =>
        levels.flatMap((c) => {
          const t = f.throughput[c];
          const base = raw?.throughput[c];
          return [
            t ? `${t.runsPerSec.toFixed(0)}/s${t.errors ? ` (${t.errors} errors)` : ""}` : na,
            t && base ? fmtRatio(t.runsPerSec / base.runsPerSec) : na,
          ];
        }),
      ),
    ),
    "",
    ...levels.map((c) => `c=${c}: ${ranking(all, (f) => f.throughput[c]?.runsPerSec, false)}`),
    "",
  );

  out.push(
    "#### Size",
    "",
    "Bundle: esbuild, the one-agent module as entry (framework + agent + 2 tools + zod), `--bundle --minify " +
      "--platform=node --format=esm`. Installed: bytes on disk of the peer's own `node_modules` (zod included); " +
      "for Skein `packages/core/src` plus its production dependencies and zod.",
    "",
    table(
      ["contender", "bundle (minified)", "bundle (gzip)", "installed"],
      rows((f) => [
        f.bundle.bytes !== undefined ? fmtBytes(f.bundle.bytes) : (f.bundle.error ?? na),
        f.bundle.gzipBytes !== undefined ? fmtBytes(f.bundle.gzipBytes) : na,
        f.id === "raw" ? "0 (no dependency)" : fmtBytes(f.installedBytes),
      ]),
    ),
    "",
    `Bundle: ${ranking(all, (f) => f.bundle.bytes)} Installed: ${ranking(all, (f) => f.installedBytes || undefined)}`,
    "",
  );

  out.push(
    "#### Bytes sent to the model",
    "",
    "Request bodies received by the mock server for one run (3 steps), the same conversation for all.",
    "",
    table(
      ["contender", "requests per run", "bytes per step", "bytes per run", "ratio"],
      rows((f) => [
        f.bytes ? String(f.bytes.requests) : na,
        f.bytes ? f.bytes.perStep.toFixed(0) : na,
        f.bytes ? String(f.bytes.total) : na,
        ratio(f.bytes?.total, raw?.bytes?.total),
      ]),
    ),
    "",
    ranking(all, (f) => f.bytes?.total),
    "",
  );

  const blocked = all.filter((f) => f.blocked.length > 0);
  out.push(
    "#### Network attempts outside loopback (blocked by the harness)",
    "",
    blocked.length === 0
      ? "None: no framework tried to reach a host other than the mock server during the runs."
      : blocked
          .map((f) => `- ${f.label}: ${[...new Set(f.blocked)].join(", ")} (${f.blocked.length} attempts)`)
          .join("\n"),
  );
  return out.join("\n");
}
