/**
 * `npm run bench:runtime` runs the runtime benchmarks (issue 3); `-- --quick` a short version.
 * Flags: --only=throughput,sessions,startup   --write (replace the generated part of bench/runtime/RESULTS.md).
 * Prints markdown on stdout, progress on stderr.
 */
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchOptions, Section } from "../section.ts";
import { log } from "../section.ts";
import { sseSessions } from "./sse-sessions.ts";
import { startup } from "./startup.ts";
import { throughput } from "./throughput.ts";

const suites: Record<string, (options: BenchOptions) => Promise<Section>> = {
  throughput,
  sessions: sseSessions,
  startup,
};

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const write = args.includes("--write");
const only = args
  .find((a) => a.startsWith("--only="))
  ?.slice("--only=".length)
  .split(",");
for (const name of only ?? []) if (!(name in suites)) throw new Error(`Unknown suite ${name}`);
const selected = Object.keys(suites).filter((name) => !only || only.includes(name));

process.env.NODE_ENV = "production";

function machine(): string {
  const cpus = os.cpus();
  return [
    `- CPU: ${cpus.length} cores, ${cpus[0]?.model ?? "unknown"}; memory ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
    `- OS: ${os.type()} ${os.release()} (${os.arch()}); ${os.tmpdir()} for data (SQLite WAL, synchronous=NORMAL)`,
    `- Node ${process.version}; runtime ${pkgVersion("packages/runtime")}, hono ${pkgVersion("node_modules/hono")}, ` +
      `@hono/node-server ${pkgVersion("node_modules/@hono/node-server")}, esbuild ${pkgVersion("node_modules/esbuild")}`,
    `- load average at start: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" / ")} (the machine is shared with other work; contenders are interleaved for that reason)`,
    `- mode: ${quick ? "--quick" : "full"}; run at ${new Date().toISOString()}`,
  ].join("\n");
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
function pkgVersion(dir: string): string {
  return (JSON.parse(readFileSync(path.join(repoRoot, dir, "package.json"), "utf8")) as { version: string })
    .version;
}

const started = performance.now();
const sections: (Section & { ran: string })[] = [];
for (const name of selected) {
  log(`running ${name}${quick ? " (quick)" : ""}`);
  const t0 = performance.now();
  const load = os.loadavg()[0]!.toFixed(2);
  const section = await suites[name]!({ quick });
  const ran = `Run ${new Date().toISOString().slice(0, 16)}Z, ${quick ? "--quick" : "full"}, load average ${load} at the start.`;
  sections.push({ ...section, ran });
  log(`${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

const markdown = [
  "### Machine",
  "",
  machine(),
  "",
  ...sections.flatMap((s) => [
    `### ${s.title}`,
    "",
    `Command: \`${s.command}\`. ${s.ran}`,
    "",
    s.markdown,
    "",
  ]),
].join("\n");
process.stdout.write(`${markdown}\n`);

if (write) {
  const file = path.join(repoRoot, "bench", "runtime", "RESULTS.md");
  const current = readFileSync(file, "utf8");
  let updated = current;
  for (const section of sections) {
    const begin = `<!-- generated:${section.id}:begin -->`;
    const end = `<!-- generated:${section.id}:end -->`;
    const from = updated.indexOf(begin);
    const to = updated.indexOf(end);
    if (from === -1 || to === -1) throw new Error(`bench/runtime/RESULTS.md lacks ${begin} / ${end}`);
    const body = [`Command: \`${section.command}\`. ${section.ran}`, "", section.markdown].join("\n");
    updated = `${updated.slice(0, from + begin.length)}\n${body}\n${updated.slice(to)}`;
  }
  const machineBegin = "<!-- generated:machine:begin -->";
  const machineEnd = "<!-- generated:machine:end -->";
  const from = updated.indexOf(machineBegin);
  const to = updated.indexOf(machineEnd);
  if (from !== -1 && to !== -1)
    updated = `${updated.slice(0, from + machineBegin.length)}\n${machine()}\n${updated.slice(to)}`;
  writeFileSync(file, updated);
  log("bench/runtime/RESULTS.md updated");
}
log(`all done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
