/**
 * `import('@skein/core')` in a fresh process (issue 2): spawn Node N times, measure the import inside the child
 * with `performance.now()`, report the median. The package resolves to its compiled `dist/` (built first); the
 * TypeScript sources (the repo's `development` condition) and a single minified bundle are given for comparison,
 * with whole-process wall times against an empty Node.
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { buildCore } from "../scripts/build-core.ts";
import { measureBundle, repoRoot, workDir } from "./bundle-size.ts";
import type { BenchOptions, Section } from "./section.ts";
import { log } from "./section.ts";
import { fmtMs, fmtSpread, type Summary, summarize, table } from "./stats.ts";

export const IMPORT_TARGET_MS = 30;

interface ImportSample {
  importMs: number;
  wallMs: number;
}

/** Runs `code` (an ES module) in a fresh Node process with the repo as cwd; returns its one JSON line. */
export function runFresh(code: string, env: Record<string, string> = {}): { out: any; wallMs: number } {
  const start = performance.now();
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", code], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, NODE_ENV: "production", ...env },
  });
  const wallMs = performance.now() - start;
  if (child.status !== 0) throw new Error(`fresh process failed (${child.status}): ${child.stderr}`);
  const line = child.stdout.trim().split("\n").at(-1) ?? "{}";
  return { out: JSON.parse(line), wallMs };
}

const importCode = (specifier: string) =>
  `const t0 = performance.now(); await import(${JSON.stringify(specifier)}); ` +
  "console.log(JSON.stringify({ importMs: performance.now() - t0 }));";

function sampleImports(specifier: string, runs: number, env: Record<string, string>): ImportSample[] {
  runFresh(importCode(specifier), env); // warm the file-system cache (and the compile cache, when on)
  const samples: ImportSample[] = [];
  for (let i = 0; i < runs; i++) {
    const { out, wallMs } = runFresh(importCode(specifier), env);
    samples.push({ importMs: out.importMs, wallMs });
  }
  return samples;
}

export async function importTime({ quick }: BenchOptions): Promise<Section> {
  const runs = quick ? 8 : 30;
  // The bundle a JS build would load eagerly: packages the core only `import()`s lazily stay out, as in Node.
  const lazy = (await measureBundle()).lazyPackages;
  const bundle = await measureBundle(undefined, { external: lazy, outName: "core-eager.min.mjs" });
  log(`import time: ${runs} fresh processes per case`);
  const empty: number[] = [];
  for (let i = 0; i < runs; i++)
    empty.push(runFresh("console.log('{}')", { NODE_DISABLE_COMPILE_CACHE: "1" }).wallMs);
  const noCache = { NODE_DISABLE_COMPILE_CACHE: "1", NODE_COMPILE_CACHE: "" };
  const cacheDir = path.join(workDir, "compile-cache");
  rmSync(cacheDir, { recursive: true, force: true });
  // What a user gets: the package's default export condition, the compiled `dist/` (`npm run build:core`).
  await buildCore();
  const cases = [
    {
      label: "`import('@skein/core')`: the published JavaScript (`dist/`), no compile cache",
      specifier: "@skein/core",
      env: noCache,
    },
    {
      label: "the same with a warm `NODE_COMPILE_CACHE`",
      specifier: "@skein/core",
      env: { NODE_COMPILE_CACHE: cacheDir },
    },
    {
      label: "the TypeScript sources (`--conditions=development`, Node type stripping), no compile cache",
      specifier: "@skein/core",
      env: { ...noCache, NODE_OPTIONS: "--conditions=development" },
    },
    {
      label: `the minified esbuild bundle, lazily imported packages external (${lazy.join(", ") || "none"}), no compile cache`,
      specifier: pathToFileURL(bundle.file).href,
      env: noCache,
    },
  ];
  const results = cases.map((c) => {
    const samples = sampleImports(c.specifier, runs, c.env);
    return {
      label: c.label,
      importMs: summarize(samples.map((s) => s.importMs)),
      wallMs: summarize(samples.map((s) => s.wallMs)),
    };
  });
  const emptyWall: Summary = summarize(empty);
  const published = results[0]!;
  const rows = results.map((r) => [
    r.label,
    fmtSpread(r.importMs),
    fmtSpread(r.wallMs),
    fmtMs(r.wallMs.median - emptyWall.median),
  ]);
  rows.push(["empty Node process (`node -e`)", "–", fmtSpread(emptyWall), "–"]);
  const within = published.importMs.median <= IMPORT_TARGET_MS;
  const markdown = [
    `${runs} fresh \`node\` processes per case (one warm-up spawn first), cwd = repo root, NODE_ENV=production. ` +
      "Import time is measured inside the child around the dynamic `import()`; process wall time from spawn to exit.",
    "",
    table(
      ["case", "import: median (p10–p90)", "process wall: median (p10–p90)", "wall over empty Node"],
      rows,
    ),
    "",
    `\`import('@skein/core')\`: **${fmtMs(published.importMs.median)}** median (target <= ${IMPORT_TARGET_MS} ms: ${within ? "met" : "missed"}).`,
  ].join("\n");
  return {
    id: "import-time",
    title: "Import time of @skein/core in a fresh process",
    command: `npm run bench -- --only=import${quick ? " --quick" : ""}`,
    markdown,
    data: { runs, results, emptyWall },
  };
}
