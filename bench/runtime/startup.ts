/**
 * Figure 3: time from spawning `skein serve` to its first successful `GET /ping`, over many fresh processes, for the
 * CLI run from its TypeScript sources and from the esbuild bundle (`npm run build`), with and without Node's
 * compile cache; a bare Node HTTP server is the floor, started in the same rounds (each figure is also given as a
 * ratio to it, round by round, which a busy machine inflates far less than the times). Once ready, each `skein
 * serve` gets a first invocation (mock model), so what "ready" leaves for later shows. The project is the repo's
 * own `skein.config.ts` (the example agent), on a data directory that already exists (a restart).
 */
import { rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildCli } from "../../scripts/build.ts";
import type { BenchOptions, Section } from "../section.ts";
import { log } from "../section.ts";
import { fmtMs, summarize, table } from "../stats.ts";
import { importBreakdown } from "./startup-breakdown.ts";
import { FLOOR_VARIANT, interleaveStarts, type StartSample, type StartVariant } from "./startup-probe.ts";

export const READY_TARGET_MS = 300;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** The build with every npm package external, for comparison (inside the repo, so node_modules resolves). */
const externalBuild = path.join(repoRoot, "bench/.work/runtime-startup/dist");

const serve = (entry: string) => (port: number) => [entry, "serve", "--port", String(port)];

const variants: StartVariant[] = [
  FLOOR_VARIANT,
  {
    name: "from source, compile cache off",
    command: "NODE_DISABLE_COMPILE_CACHE=1 node packages/cli/src/main.ts serve",
    args: serve("packages/cli/src/main.ts"),
    compileCache: false,
    invoke: true,
  },
  {
    name: "from source (main.ts enables the compile cache)",
    command: "node packages/cli/src/main.ts serve",
    args: serve("packages/cli/src/main.ts"),
    compileCache: true,
    invoke: true,
  },
  {
    name: "built, compile cache off",
    command: "NODE_DISABLE_COMPILE_CACHE=1 node packages/cli/dist/skein.js serve",
    args: serve("packages/cli/dist/skein.js"),
    compileCache: false,
    invoke: true,
  },
  {
    name: "built with every npm package external",
    command: "node <build with bundleDependencies: false>/skein.js serve",
    args: serve(path.join(externalBuild, "skein.js")),
    compileCache: true,
    invoke: true,
  },
  {
    name: "**built** (`npm run build`; the `skein` bin and `npm run serve` run it)",
    command: "node packages/cli/bin/skein.js serve",
    args: serve("packages/cli/bin/skein.js"),
    compileCache: true,
    invoke: true,
  },
];

export interface StartupResult {
  name: string;
  command: string;
  samples: StartSample[];
  /** Ready time over the floor's in the same round, one per round. */
  ratios: number[];
}

export interface StartupData {
  runs: number;
  /** 1-minute load average before and after the rounds. */
  load: [number, number];
  results: StartupResult[];
  breakdown?: { label: string; ms: number[] }[];
}

export async function measureStartup(runs: number): Promise<StartupData> {
  log("startup: building the CLI (npm run build, and a build with every npm package external)");
  await buildCli();
  await buildCli({ outdir: externalBuild, bundleDependencies: false });
  const load: [number, number] = [os.loadavg()[0]!, 0];
  let samples: StartSample[][];
  try {
    samples = await interleaveStarts(variants, runs, {
      cwd: repoRoot,
      name: "startup",
      onRound: (round) => {
        if ((round + 1) % 10 === 0) log(`startup: ${round + 1}/${runs} rounds`);
      },
    });
  } finally {
    rmSync(path.dirname(externalBuild), { recursive: true, force: true });
  }
  load[1] = os.loadavg()[0]!;
  const floor = samples[0]!;
  return {
    runs,
    load,
    results: variants.map((v, i) => ({
      name: v.name,
      command: v.command,
      samples: samples[i]!,
      ratios: samples[i]!.map((s, round) => s.readyMs / floor[round]!.readyMs),
    })),
  };
}

const medianOf = (values: (number | undefined)[]) => {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length > 0 ? summarize(defined).median : Number.NaN;
};
const orDash = (ms: number) => (Number.isNaN(ms) ? "" : fmtMs(ms));

export function renderStartup(data: StartupData): string {
  return table(
    [
      "process",
      "command",
      "spawn → first `GET /ping` 200: median",
      "p10–p90",
      "ready / floor (same round)",
      "CPU until ready",
      "spawn → first invocation answered",
      "CPU until answered",
    ],
    data.results.map((r) => {
      const ready = summarize(r.samples.map((s) => s.readyMs));
      return [
        r.name,
        `\`${r.command}\``,
        `**${fmtMs(ready.median)}**`,
        `${fmtMs(ready.p10)}–${fmtMs(ready.p90)}`,
        `${summarize(r.ratios).median.toFixed(2)}x`,
        fmtMs(medianOf(r.samples.map((s) => s.readyCpuMs))),
        orDash(medianOf(r.samples.map((s) => s.invokedMs))),
        orDash(medianOf(r.samples.map((s) => s.invokedCpuMs))),
      ];
    }),
  );
}

export async function startup(options: BenchOptions): Promise<Section> {
  const data = await measureStartup(options.quick ? 8 : 30);
  data.breakdown = await importBreakdown(options.quick ? 5 : 15);
  const median = (i: number) => summarize(data.results[i]!.samples.map((s) => s.readyMs)).median;
  const [floor, , source, builtNoCache, builtExternal, built] = data.results.map((_, i) =>
    median(i),
  ) as number[];
  const builtResult = data.results[5]!;
  const builtCpu = medianOf(builtResult.samples.map((s) => s.readyCpuMs));
  const floorCpu = medianOf(data.results[0]!.samples.map((s) => s.readyCpuMs));
  const markdown = [
    `${data.runs} interleaved rounds (after 2 unmeasured ones) of a fresh process per variant; the parent polls ` +
      "`GET /ping` every 2 ms from spawn. Same project (the repo's `skein.config.ts`: the example agent, whose tools " +
      "use zod, with long-term memory), the mock model (`SKEIN_BASE_URL`), an existing data directory (a restart: " +
      "SQLite opened, migrations checked, recovery run). Once ready, each `skein serve` is sent one invocation " +
      "(`POST /v1/agents/ai-market-analyst/invocations` with an API key, JSON answer): its column is spawn → that " +
      "answer, and includes what the server loads only once it has answered a first request (the OpenTelemetry SDK, " +
      "prom-client). Wall times include Node's own start (the floor); *ready / floor* is each round's ready time " +
      "over the floor's in that round; CPU is what the server process used, all threads, which a busy machine does " +
      `not inflate as much. 1-minute load average: ${data.load[0].toFixed(2)} before the rounds, ` +
      `${data.load[1].toFixed(2)} after.`,
    "",
    renderStartup(data),
    "",
    `\`skein serve\` built (\`npm run build\`): **${fmtMs(built!)}** to ready (target <= ${READY_TARGET_MS} ms: ` +
      `${built! <= READY_TARGET_MS ? "met" : "missed"}), ${summarize(builtResult.ratios).median.toFixed(2)}x the ` +
      `floor of ${fmtMs(floor!)}; ${fmtMs(builtCpu)} of CPU until ready (the floor: ${fmtMs(floorCpu)}). Against ` +
      `${fmtMs(source!)} from source with the compile cache, ${fmtMs(builtNoCache!)} built without the compile ` +
      `cache and ${fmtMs(builtExternal!)} built with every npm package external.`,
    "",
    `Where the built start goes: the bundle's imports timed one by one in a fresh process (compile cache warm, ` +
      `median of ${data.breakdown[0]!.ms.length} runs); the rest of the start is the project's config and agent ` +
      "files (type-stripped), opening the store, telemetry and memory databases, building the app, recovery and " +
      "listening.",
    "",
    table(
      ["step", "median", "p10–p90"],
      data.breakdown.map((row) => {
        const s = summarize(row.ms);
        return [row.label, fmtMs(s.median), `${fmtMs(s.p10)}–${fmtMs(s.p90)}`];
      }),
    ),
  ].join("\n");
  return {
    id: "startup",
    title: "Time from `skein serve` to ready",
    command: "npm run bench:runtime -- --only=startup",
    markdown,
    data,
  };
}
