/**
 * Streaming overhead (issue 2): one answer streamed as N chunks, Skein's `agent.stream()` against the raw loop
 * reading the same SSE body. Added time per chunk must stay flat as N grows (O(n) overall).
 */
import { type MockProcess, spawnMockServer } from "./mock-process.ts";
import { knobsURL } from "./mock-wire.ts";
import { rawFetchAgent } from "./raw-fetch-agent.ts";
import { USER_INPUT } from "./scenario.ts";
import type { BenchOptions, Section } from "./section.ts";
import { log } from "./section.ts";
import { skeinAgent } from "./skein/skein-agent.ts";
import { fmtMs, fmtRatio, fmtSpread, type Summary, summarize, table } from "./stats.ts";

interface Point {
  chunks: number;
  runs: number;
  raw: Summary;
  skein: Summary;
}

async function timeStream(
  stream: (input: string, onText: (t: string) => void) => Promise<string>,
  chunks: number,
) {
  let seen = 0;
  const start = performance.now();
  await stream(USER_INPUT, () => {
    seen++;
  });
  const elapsed = performance.now() - start;
  if (seen !== chunks) throw new Error(`expected ${chunks} text pieces, saw ${seen}`);
  return elapsed;
}

export async function streamOverhead({ quick }: BenchOptions): Promise<Section> {
  const plan = quick
    ? [
        { chunks: 1_000, runs: 20 },
        { chunks: 10_000, runs: 8 },
        { chunks: 50_000, runs: 3 },
      ]
    : [
        { chunks: 1_000, runs: 100 },
        { chunks: 10_000, runs: 30 },
        { chunks: 50_000, runs: 10 },
      ];
  let server: MockProcess | undefined;
  const points: Point[] = [];
  try {
    server = await spawnMockServer();
    for (const { chunks, runs } of plan) {
      const url = knobsURL(server.origin, { toolTurns: 0, chunks });
      const raw = rawFetchAgent(url);
      // Over `fetch` like the raw loop: the per-chunk cost of parsing and events, not the choice of transport.
      const skein = skeinAgent(url, globalThis.fetch);
      const warmup = Math.max(3, Math.ceil(runs / 3));
      for (let i = 0; i < warmup; i++) {
        await timeStream(raw.stream, chunks);
        await timeStream(skein.stream, chunks);
      }
      const rawSamples: number[] = [];
      const skeinSamples: number[] = [];
      for (let i = 0; i < runs; i++) {
        if (i % 2 === 0) {
          rawSamples.push(await timeStream(raw.stream, chunks));
          skeinSamples.push(await timeStream(skein.stream, chunks));
        } else {
          skeinSamples.push(await timeStream(skein.stream, chunks));
          rawSamples.push(await timeStream(raw.stream, chunks));
        }
      }
      points.push({ chunks, runs, raw: summarize(rawSamples), skein: summarize(skeinSamples) });
      log(
        `stream ${chunks} chunks: raw ${fmtMs(points.at(-1)!.raw.median)}, Skein ${fmtMs(points.at(-1)!.skein.median)}`,
      );
    }
  } finally {
    await server?.close();
  }
  const perChunk = (s: Summary, n: number): Summary => ({
    ...s,
    median: s.median / n,
    p10: s.p10 / n,
    p90: s.p90 / n,
  });
  const rows = points.map((p) => [
    p.chunks.toLocaleString("en-US"),
    String(p.runs),
    fmtSpread(p.raw),
    fmtSpread(p.skein),
    fmtSpread(perChunk(p.raw, p.chunks)),
    fmtSpread(perChunk(p.skein, p.chunks)),
    fmtMs((p.skein.median - p.raw.median) / p.chunks),
    fmtRatio(p.skein.median / p.raw.median),
  ]);
  const at10k = points.find((p) => p.chunks === 10_000);
  const added10k = at10k ? (at10k.skein.median - at10k.raw.median) / at10k.chunks : Number.NaN;
  const markdown = [
    "One streamed answer of N chunks (no tools), read to the end: Skein `agent.stream()` events against the raw " +
      "loop's SSE parse, both over Node's `fetch`. Runs interleaved after warm-up; times are medians with p10–p90.",
    "",
    table(
      [
        "chunks",
        "runs",
        "raw: whole stream",
        "Skein: whole stream",
        "raw per chunk",
        "Skein per chunk",
        "Skein added per chunk",
        "ratio",
      ],
      rows,
    ),
    "",
    `Added time per chunk over 10,000 chunks: **${fmtMs(added10k)}**. Per-chunk cost across 1k / 10k / 50k: ` +
      points.map((p) => fmtMs(p.skein.median / p.chunks)).join(" / ") +
      " (flat means O(n) overall).",
  ].join("\n");
  return {
    id: "stream-overhead",
    title: "Streaming: added time per chunk",
    command: `npm run bench -- --only=stream${quick ? " --quick" : ""}`,
    markdown,
    data: { points, addedMsPerChunkAt10k: added10k },
  };
}
