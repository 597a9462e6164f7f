/**
 * `npm run bench` runs every benchmark; `npm run bench -- --quick` a short version.
 * Flags: --only=step,stream,breakdown,import,bundle,peers   --write (replace the generated part of bench/RESULTS.md).
 * Prints markdown on stdout, progress on stderr, and keeps the figures in bench/.work/results.{md,json}.
 */
import os from "node:os";
import path from "node:path";
import { breakdown } from "./breakdown.ts";
import { bundleSize, repoRoot, workDir, writeText } from "./bundle-size.ts";
import { chartSvg } from "./chart.ts";
import { importTime } from "./import-time.ts";
import { type PeerFigures, peerComparison } from "./peer-compare.ts";
import { updateResults } from "./results-file.ts";
import type { BenchOptions, Section } from "./section.ts";
import { log } from "./section.ts";
import { stepOverhead } from "./step-overhead.ts";
import { streamOverhead } from "./stream-overhead.ts";

const suites: Record<string, (options: BenchOptions) => Promise<Section>> = {
  step: stepOverhead,
  stream: streamOverhead,
  breakdown,
  import: importTime,
  bundle: bundleSize,
  peers: peerComparison,
};

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const write = args.includes("--write");
const only = args
  .find((a) => a.startsWith("--only="))
  ?.slice("--only=".length)
  .split(",");
const selected = Object.keys(suites).filter((name) => !only || only.includes(name));
for (const name of only ?? []) if (!(name in suites)) throw new Error(`Unknown suite ${name}`);

process.env.NODE_ENV = "production";

const loadavg = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");

export function machine(): string {
  const cpus = os.cpus();
  return [
    `- CPU: ${cpus.length} cores, ${cpus[0]?.model ?? "unknown"}; memory ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
    `- OS: ${os.type()} ${os.release()} (${os.arch()})`,
    `- Node ${process.version} (${process.execPath.startsWith(repoRoot) ? "the repo's pinned Node from node_modules" : process.execPath})`,
    "- the machine is shared with other work: each figure is a median of interleaved runs, and each section " +
      "gives the load average when it started",
  ].join("\n");
}

const started = performance.now();
const blocks: { id: string; body: string }[] = [{ id: "machine", body: `### Machine\n\n${machine()}` }];
const sections: Section[] = [];
for (const name of selected) {
  log(`running ${name}${quick ? " (quick)" : ""}`);
  const t0 = performance.now();
  const load = loadavg();
  const at = new Date().toISOString().slice(0, 16).replace("T", " ");
  const section = await suites[name]!({ quick });
  sections.push(section);
  const seconds = ((performance.now() - t0) / 1000).toFixed(0);
  blocks.push({
    id: section.id,
    body: [
      `### ${section.title}`,
      "",
      `Command: \`${section.command}\``,
      "",
      `Run: ${at} UTC, ${quick ? "--quick" : "full"}, ${seconds} s, Node ${process.version}, load average ${load} at its start.`,
      "",
      section.markdown,
    ].join("\n"),
  });
  log(`${name} done in ${seconds} s`);
}

const markdown = blocks.map((b) => b.body).join("\n\n");
process.stdout.write(`${markdown}\n`);
writeText(path.join(workDir, "results.md"), markdown);
writeText(
  path.join(workDir, "results.json"),
  JSON.stringify(
    { quick, node: process.version, sections: sections.map(({ markdown: _, ...s }) => s) },
    null,
    2,
  ),
);

const peers = sections.find((s) => s.id === "peers");
const chart = peers
  ? chartSvg(
      (peers.data as { figures: PeerFigures[] }).figures,
      `Node ${process.version}, ${os.cpus().length} cores, ${quick ? "--quick" : "full run"}, ${new Date().toISOString().slice(0, 10)}; grey = raw fetch baseline, orange = Skein`,
    )
  : undefined;
if (chart) writeText(path.join(workDir, "results-chart.svg"), chart);

if (write) {
  if (chart) writeText(path.join(repoRoot, "bench", "results-chart.svg"), chart);
  updateResults(path.join(repoRoot, "bench", "RESULTS.md"), blocks);
  log("bench/RESULTS.md updated");
}
log(`all done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
