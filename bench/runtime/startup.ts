/**
 * Figure 3: time from spawning `skein serve` to its first successful `GET /ping`, over many fresh processes, for the
 * CLI run from its TypeScript sources and from the esbuild bundle (`npm run build`), with and without Node's
 * compile cache; a bare Node HTTP server is the floor. The project is the repo's own `skein.config.ts` (the
 * example agent), on a data directory that already exists (a restart).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildCli } from "../../scripts/build.ts";
import type { BenchOptions, Section } from "../section.ts";
import { log } from "../section.ts";
import { fmtMs, summarize, table } from "../stats.ts";
import { tempDataDir } from "./bench-processes.ts";

export const READY_TARGET_MS = 300;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** The build with every npm package external, for comparison (inside the repo, so node_modules resolves). */
const externalBuild = path.join(repoRoot, "bench/.work/runtime-startup/dist");

interface Variant {
  name: string;
  command: string;
  args: (port: number) => string[];
  /** Node's compile cache: where the CLI puts it (os.tmpdir(), a folder of the variant's own here), or off. */
  compileCache: boolean;
}

const floorServer =
  "require('node:http').createServer((q,s)=>s.end('Healthy')).listen(Number(process.argv[1]),'127.0.0.1')";

const variants: Variant[] = [
  {
    name: "bare Node HTTP server (floor)",
    command: "node -e <server>",
    args: (port) => ["-e", floorServer, String(port)],
    compileCache: false,
  },
  {
    name: "from source, compile cache off (as before this change)",
    command: "NODE_DISABLE_COMPILE_CACHE=1 node packages/cli/src/main.ts serve",
    args: (port) => ["packages/cli/src/main.ts", "serve", "--port", String(port)],
    compileCache: false,
  },
  {
    name: "from source (main.ts enables the compile cache)",
    command: "node packages/cli/src/main.ts serve",
    args: (port) => ["packages/cli/src/main.ts", "serve", "--port", String(port)],
    compileCache: true,
  },
  {
    name: "built, compile cache off",
    command: "NODE_DISABLE_COMPILE_CACHE=1 node packages/cli/dist/skein.js serve",
    args: (port) => ["packages/cli/dist/skein.js", "serve", "--port", String(port)],
    compileCache: false,
  },
  {
    name: "built with every npm package external",
    command: "node <build with bundleDependencies: false>/skein.js serve",
    args: (port) => [path.join(externalBuild, "skein.js"), "serve", "--port", String(port)],
    compileCache: true,
  },
  {
    name: "**built** (`npm run build`; the `skein` bin and `npm run serve` run it)",
    command: "node packages/cli/bin/skein.js serve",
    args: (port) => ["packages/cli/bin/skein.js", "serve", "--port", String(port)],
    compileCache: true,
  },
];

async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get({ host: "127.0.0.1", port, path: "/ping", agent: false }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode === 200));
    });
    request.on("error", () => resolve(false));
  });
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });

/** CPU time the process has used so far, all its threads (Linux `/proc/<pid>/task/<tid>/schedstat`, in ns). */
function cpuMsOf(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`))
    ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
  return ns / 1e6;
}

interface ReadySample {
  wallMs: number;
  /** CPU the server used until ready: the figure a busy machine does not inflate. */
  cpuMs: number;
}

/** Spawns the variant and polls `/ping` every 2 ms from spawn until the first 200. */
async function timeToReady(variant: Variant, dataDir: string, cacheDir: string): Promise<ReadySample> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, SKEIN_DATA_DIR: dataDir, NODE_ENV: "production" };
  for (const name of [
    "SKEIN_MODEL",
    "SKEIN_BASE_URL",
    "SKEIN_API_KEY",
    "DASHSCOPE_API_KEY",
    "NODE_COMPILE_CACHE",
  ])
    delete env[name];
  if (variant.compileCache)
    env.TMPDIR = cacheDir; // the CLI enables the cache in os.tmpdir()
  else env.NODE_DISABLE_COMPILE_CACHE = "1";
  const started = performance.now();
  const child = spawn(process.execPath, variant.args(port), { cwd: repoRoot, env, stdio: "ignore" });
  let failed = false;
  child.once("exit", () => {
    failed = true;
  });
  try {
    for (;;) {
      if (await ping(port)) return { wallMs: performance.now() - started, cpuMs: cpuMsOf(child.pid!) };
      if (failed) throw new Error(`${variant.name} exited before it was ready`);
      if (performance.now() - started > 20_000) throw new Error(`${variant.name} not ready after 20 s`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  } finally {
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited(child);
    clearTimeout(timer);
  }
}

export interface StartupData {
  runs: number;
  results: { name: string; command: string; samples: number[]; cpu: number[] }[];
  breakdown?: { label: string; ms: number[] }[];
}

export async function measureStartup(runs: number): Promise<StartupData> {
  log("startup: building the CLI (npm run build, and a build with every npm package external)");
  await buildCli();
  await buildCli({ outdir: externalBuild, bundleDependencies: false });
  const dirs = variants.map((_, i) => ({
    data: tempDataDir(`startup-${i}`),
    cache: tempDataDir(`startup-cache-${i}`),
  }));
  for (const dir of dirs) {
    for (const d of [dir.data, dir.cache]) rmSync(d, { recursive: true, force: true });
    mkdirSync(dir.cache, { recursive: true });
  }
  const samples = variants.map(() => [] as ReadySample[]);
  try {
    // Two unmeasured starts each: the data directory and the compile cache exist, the file cache is warm.
    for (let round = -2; round < runs; round++) {
      for (const [i, variant] of variants.entries()) {
        const sample = await timeToReady(variant, dirs[i]!.data, dirs[i]!.cache);
        if (round >= 0) samples[i]!.push(sample);
      }
      if (round >= 0 && (round + 1) % 10 === 0) log(`startup: ${round + 1}/${runs} rounds`);
    }
  } finally {
    for (const dir of dirs)
      for (const d of [dir.data, dir.cache]) rmSync(d, { recursive: true, force: true });
    rmSync(path.dirname(externalBuild), { recursive: true, force: true });
  }
  return {
    runs,
    results: variants.map((v, i) => ({
      name: v.name,
      command: v.command,
      samples: samples[i]!.map((x) => x.wallMs),
      cpu: samples[i]!.map((x) => x.cpuMs),
    })),
  };
}

/** Where the built start goes: the imports of `skein serve`, one after another, timed in a fresh process each run. */
const breakdownSteps: [label: string, specifier: string][] = [
  ["`node:http` (loads undici, which the Node adapter of Hono needs)", "node:http"],
  ["zod (shared with the project's tools)", "zod"],
  ["pino", "pino"],
  ["`dist/core.js`", "./packages/cli/dist/core.js"],
  ["`dist/runtime.js` (with hono, OpenTelemetry, prom-client inlined)", "./packages/cli/dist/runtime.js"],
];

export async function importBreakdown(runs: number): Promise<{ label: string; ms: number[] }[]> {
  const code = [
    'import { enableCompileCache } from "node:module"; enableCompileCache();',
    "const times = [performance.now()];",
    ...breakdownSteps.map(
      ([, specifier]) => `await import(${JSON.stringify(specifier)}); times.push(performance.now());`,
    ),
    "console.log(JSON.stringify(times));",
  ].join("\n");
  const rows = [{ label: "Node's own start, until the first line of the script", ms: [] as number[] }].concat(
    breakdownSteps.map(([label]) => ({ label, ms: [] as number[] })),
  );
  const cache = tempDataDir("breakdown-cache");
  for (let run = -2; run < runs; run++) {
    const child = spawn(process.execPath, ["--input-type=module", "-e", code], {
      cwd: repoRoot,
      env: { ...process.env, TMPDIR: cache, NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
    });
    await exited(child);
    const times = JSON.parse(out) as number[];
    if (run < 0) continue;
    for (const [i, t] of times.entries()) rows[i]!.ms.push(i === 0 ? t : t - times[i - 1]!);
  }
  rmSync(cache, { recursive: true, force: true });
  return rows;
}

export function renderStartup(data: StartupData): string {
  return table(
    [
      "process",
      "command",
      "spawn → first `GET /ping` 200: median",
      "p10–p90",
      "min",
      "CPU until ready: median",
    ],
    data.results.map((r) => {
      const s = summarize(r.samples);
      const cpu = summarize(r.cpu);
      return [
        r.name,
        `\`${r.command}\``,
        `**${fmtMs(s.median)}**`,
        `${fmtMs(s.p10)}–${fmtMs(s.p90)}`,
        fmtMs(s.min),
        fmtMs(cpu.median),
      ];
    }),
  );
}

export async function startup(options: BenchOptions): Promise<Section> {
  const data = await measureStartup(options.quick ? 8 : 30);
  data.breakdown = await importBreakdown(options.quick ? 5 : 15);
  const [floor, before, source, builtNoCache, builtExternal, built] = data.results.map(
    (r) => summarize(r.samples).median,
  ) as [number, number, number, number, number, number];
  const markdown = [
    `${data.runs} interleaved rounds (after 2 unmeasured ones) of a fresh process per variant; the parent polls ` +
      "`GET /ping` every 2 ms from spawn. Same project (the repo's `skein.config.ts`: the example agent, whose tools " +
      "use zod), no model configured, an existing data directory (a restart: SQLite opened, migrations checked, " +
      "recovery run). Wall times include Node's own start (the floor); CPU is what the server process used until " +
      "ready, all threads, which a busy machine does not inflate as much.",
    "",
    renderStartup(data),
    "",
    `\`skein serve\` built (\`npm run build\`): **${fmtMs(built)}** to ready (target <= ${READY_TARGET_MS} ms: ` +
      `${built <= READY_TARGET_MS ? "met" : "missed"}), against ${fmtMs(before)} from source as before ` +
      `(${(before / built).toFixed(1)}x), ${fmtMs(source)} from source with the compile cache, ` +
      `${fmtMs(builtNoCache)} built without the compile cache, ${fmtMs(builtExternal)} built with every npm package ` +
      `external, and a floor of ${fmtMs(floor)}.`,
    "",
    `Where the built start goes: the same imports timed one by one in a fresh process (compile cache warm, median of ` +
      `${data.breakdown[0]!.ms.length} runs); the rest of the start is the project's config and agent files ` +
      "(type-stripped), opening SQLite and the telemetry database, building the app, recovery and listening.",
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
