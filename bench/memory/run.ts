// Memory benchmarks: search latency and recall at growing sizes, and agent runs with memory on against off.
// Usage: node bench/memory/run.ts [--part search|runs|diagnose|all] [--sizes 10000,100000,1000000] [--dims 128]
//        [--queries 200] [--actors 50] [--max-build-seconds 600]
//        [--store /tmp/file.db (reuse)] [--build-only] [--baseline] [--series-seconds 45] [--runs 150] [--agent-store 10000] [--agent-actors 50] [--diagnose-size 100000] [--json out.json]

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runAgentBench } from "./agent-bench.ts";
import { runDiagnose } from "./diagnose.ts";
import { renderAgent, renderDiagnose, renderSearch } from "./report.ts";
import { runSearchBench } from "./search-bench.ts";

const { values } = parseArgs({
  options: {
    part: { type: "string", default: "all" },
    sizes: { type: "string", default: "10000,100000,1000000" },
    dims: { type: "string", default: "128" },
    queries: { type: "string", default: "200" },
    actors: { type: "string", default: "50" },
    "max-build-seconds": { type: "string", default: "600" },
    "series-seconds": { type: "string", default: "45" },
    runs: { type: "string", default: "150" },
    "agent-store": { type: "string", default: "10000" },
    "agent-actors": { type: "string", default: "50" },
    "diagnose-size": { type: "string", default: "100000" },
    json: { type: "string" },
    store: { type: "string" },
    "build-only": { type: "boolean", default: false },
    baseline: { type: "boolean", default: false },
  },
});

const log = (line: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const dir = mkdtempSync(join(tmpdir(), "skein-bench-memory-"));
const out: Record<string, unknown> = {
  machine: `${cpus().length} x ${cpus()[0]?.model ?? "?"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
  node: process.version,
  startLoad: loadavg().map((l) => Number(l.toFixed(2))),
};
console.log(`Machine: ${out.machine}; Node ${process.version}; load at start ${String(out.startLoad)}\n`);
try {
  if (values.part === "search" || values.part === "all") {
    const search = await runSearchBench({
      sizes: values.sizes.split(",").map(Number),
      dimensions: Number(values.dims),
      queries: Number(values.queries),
      actors: Number(values.actors),
      maxBuildSeconds: Number(values["max-build-seconds"]),
      seriesBudgetMs: Number(values["series-seconds"]) * 1000,
      dir,
      storePath: values.store,
      buildOnly: values["build-only"],
      baseline: values.baseline,
      log,
    });
    out.search = search;
    console.log(renderSearch(search, Number(values.dims), Number(values.actors)));
  }
  if (values.part === "runs" || values.part === "all") {
    const agent = await runAgentBench({
      runs: Number(values.runs),
      storeSize: Number(values["agent-store"]),
      actors: Number(values["agent-actors"]),
      dir,
      log,
    });
    out.agent = agent;
    console.log(renderAgent(agent));
  }
  if (values.part === "diagnose" || values.part === "all") {
    const diagnose = await runDiagnose({
      size: Number(values["diagnose-size"]),
      dimensions: Number(values.dims),
      actors: Number(values.actors),
      queries: Number(values.queries),
      dir,
      log,
    });
    out.diagnose = diagnose;
    console.log(renderDiagnose(diagnose));
  }
  if (values.json) writeFileSync(values.json, `${JSON.stringify(out, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
