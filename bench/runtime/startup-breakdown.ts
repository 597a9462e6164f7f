/** Where the built start goes: the imports of `skein serve`, one after another, timed in a fresh process each run. */
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { tempDataDir } from "./bench-processes.ts";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Each step's time excludes what earlier steps loaded. */
const breakdownSteps: [label: string, code: string][] = [
  ["`dist/core.js` (the agent loop, models, tools)", 'await import("./packages/cli/dist/core.js");'],
  [
    "`node:http` as an ES module (its namespace loads undici, which Hono's Node adapter needs anyway)",
    'await import("node:http");',
  ],
  [
    "`dist/zod.js` (zod, bundled; a project on the same version shares it)",
    'await import("./packages/cli/dist/zod.js");',
  ],
  ["`dist/memory.js` (long-term memory; sqlite-vec)", 'await import("./packages/cli/dist/memory.js");'],
  [
    "`dist/runtime.js` (the runtime with hono and pino inlined; OpenTelemetry and prom-client are left for later)",
    'await import("./packages/cli/dist/runtime.js");',
  ],
];

const exited = (child: ReturnType<typeof spawn>) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once("exit", () => resolve());
  });

export async function importBreakdown(runs: number): Promise<{ label: string; ms: number[] }[]> {
  const code = [
    'import { enableCompileCache } from "node:module"; enableCompileCache();',
    "const times = [performance.now()];",
    ...breakdownSteps.map(([, step]) => `${step} times.push(performance.now());`),
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
