/**
 * Start-up A/B: builds of the CLI side by side, e.g. the previous build copied aside against `npm run build`:
 *
 *   node bench/runtime/startup-compare.ts 25 before=/tmp/old-dist/skein.js after=packages/cli/dist/skein.js
 *
 * Each round starts a bare Node HTTP server (the floor) and then each build once, in a fresh process (the same
 * probe as the startup benchmark: ready = first `GET /ping` 200, then a first invocation with the mock model); the
 * builds' data directories and compile caches are their own. Prints medians, the ratio to the floor of the same
 * round, and the 1-minute load average. A build outside the repo needs its npm packages resolvable from there.
 */
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { summarize } from "../stats.ts";
import { FLOOR_VARIANT, interleaveStarts, type StartVariant } from "./startup-probe.ts";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const [roundsArg, ...builds] = process.argv.slice(2);
const rounds = Number(roundsArg);
if (!Number.isInteger(rounds) || rounds < 1 || builds.length === 0 || builds.some((b) => !b.includes("=")))
  throw new Error("usage: node bench/runtime/startup-compare.ts <rounds> <name>=<skein.js> ...");

const variants: StartVariant[] = [
  FLOOR_VARIANT,
  ...builds.map((arg): StartVariant => {
    const [name, entry] = arg.split("=") as [string, string];
    const file = path.resolve(entry);
    return {
      name,
      command: "",
      args: (p) => [file, "serve", "--port", String(p)],
      compileCache: true,
      invoke: true,
    };
  }),
];

const loadBefore = os.loadavg()[0]!;
const samples = await interleaveStarts(variants, rounds, { cwd: repoRoot, name: "compare" });
const ratios = samples.map((list) => list.map((s, round) => s.readyMs / samples[0]![round]!.readyMs));

const median = (values: (number | undefined)[]) => {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length > 0 ? summarize(defined).median.toFixed(0).padStart(4) : "   -";
};
console.log(
  `${rounds} rounds; 1-minute load average ${loadBefore.toFixed(2)} → ${os.loadavg()[0]!.toFixed(2)}`,
);
console.log("build      ready ms  p10–p90    /floor  CPU ms | invoked ms  CPU ms");
for (const [i, variant] of variants.entries()) {
  const ready = summarize(samples[i]!.map((s) => s.readyMs));
  console.log(
    `${variant.name.padEnd(10)} ${median([ready.median])}    ${ready.p10.toFixed(0)}–${ready.p90.toFixed(0)}`.padEnd(
      34,
    ) +
      `${summarize(ratios[i]!).median.toFixed(2)}x  ${median(samples[i]!.map((s) => s.readyCpuMs))}   | ` +
      `${median(samples[i]!.map((s) => s.invokedMs))}        ${median(samples[i]!.map((s) => s.invokedCpuMs))}`,
  );
}
