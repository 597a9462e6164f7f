/**
 * Figure 1: invocations per second and latency of the runtime over HTTP (keyed requests, JSON and SSE answers)
 * against the same agent and model called in-process with the SDK, at concurrency 1, 10 and 100.
 * Four processes: the mock model server, the runtime server (or the SDK worker), the load generator, this parent.
 */
import { spawnMockServer } from "../mock-process.ts";
import type { BenchOptions, Section } from "../section.ts";
import { log } from "../section.ts";
import { fmtMs, fmtRatio, quantile, table } from "../stats.ts";
import type { ModelKind } from "./bench-agent.ts";
import { type LoadCommand, spawnLoadClient, spawnSdkWorker, spawnServer } from "./bench-processes.ts";
import type { LoadResult } from "./load-client.ts";

type Contender = "sdk" | "json" | "sse";
const contenders: Contender[] = ["sdk", "json", "sse"];
const contenderName: Record<Contender, string> = {
  sdk: "SDK in-process `agent.run()`",
  json: "HTTP, JSON answer",
  sse: "HTTP, SSE stream",
};

/** Tool-calling turns before the answer: the 3-step scenario of the SDK benchmarks (2 tool calls, 8-chunk answer). */
const TOOL_TURNS = 2;

interface Cell {
  model: ModelKind;
  concurrency: number;
  contender: Contender;
  /** Invocations per second of each round. */
  rates: number[];
  latencies: number[];
  /** CPU of the process that hosts the agent (runtime server or SDK worker), per invocation. */
  cpuMsPerRun: number[];
  errors: number;
  firstError?: string;
}

export interface ThroughputData {
  rounds: number;
  toolTurns: number;
  cells: Cell[];
}

function plan(quick: boolean, concurrency: number): LoadCommand {
  const requests = quick ? { 1: 100, 10: 300, 100: 600 } : { 1: 300, 10: 1000, 100: 2000 };
  const count = requests[concurrency as 1 | 10 | 100];
  return { concurrency, requests: count, warmup: Math.max(20, Math.round(count / 5)), maxMs: 60_000 };
}

async function measureModel(model: ModelKind, options: BenchOptions, rounds: number): Promise<Cell[]> {
  const mock = model === "mock" ? await spawnMockServer() : undefined;
  const agentConfig = { model, toolTurns: TOOL_TURNS, mockOrigin: mock?.origin };
  const server = await spawnServer({ ...agentConfig }, `throughput-${model}`);
  const client = await spawnLoadClient(server.ready);
  const sdk = await spawnSdkWorker(agentConfig);
  const cells: Cell[] = [];
  try {
    for (const concurrency of [1, 10, 100]) {
      const command = plan(options.quick, concurrency);
      const row = new Map<Contender, Cell>(
        contenders.map((contender) => [
          contender,
          { model, concurrency, contender, rates: [], latencies: [], cpuMsPerRun: [], errors: 0 },
        ]),
      );
      for (let round = 0; round < rounds; round++) {
        // Interleaved, and in a rotated order each round, so drifts of the shared machine hit all alike.
        const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!);
        for (const contender of order) {
          const host = contender === "sdk" ? sdk : server;
          const cpuBefore = await host.cpuMs();
          const result: LoadResult =
            contender === "sdk" ? await sdk.load(command) : await client.load(contender, command);
          const cpu = (await host.cpuMs()) - cpuBefore;
          const cell = row.get(contender)!;
          const runs = result.latencies.length;
          cell.rates.push((runs / result.wallMs) * 1000);
          cell.latencies.push(...result.latencies);
          cell.cpuMsPerRun.push(cpu / (runs + command.warmup));
          cell.errors += result.errors;
          cell.firstError ??= result.firstError;
          log(
            `throughput ${model} c=${concurrency} ${contender} round ${round + 1}: ${cell.rates.at(-1)!.toFixed(0)}/s, ` +
              `p50 ${fmtMs(
                quantile(
                  [...result.latencies].sort((a, b) => a - b),
                  0.5,
                ),
              )}, errors ${result.errors}`,
          );
        }
      }
      cells.push(...row.values());
    }
  } finally {
    await Promise.all([client.close(), sdk.close()]);
    await server.close();
    await mock?.close();
  }
  return cells;
}

const median = (values: number[]) =>
  quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
const rate = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `${quantile(sorted, 0.5).toFixed(0)} (${sorted[0]!.toFixed(0)}–${sorted.at(-1)!.toFixed(0)})`;
};

function render(data: ThroughputData, rounds: number): string {
  const parts: string[] = [];
  for (const model of ["mock", "scripted"] as const) {
    const cells = data.cells.filter((c) => c.model === model);
    const rows: string[][] = [];
    for (const concurrency of [1, 10, 100]) {
      const of = (contender: Contender) =>
        cells.find((c) => c.concurrency === concurrency && c.contender === contender)!;
      const sdk = of("sdk");
      const sdkSorted = [...sdk.latencies].sort((a, b) => a - b);
      for (const contender of contenders) {
        const cell = of(contender);
        const sorted = [...cell.latencies].sort((a, b) => a - b);
        const p50 = quantile(sorted, 0.5);
        const p99 = quantile(sorted, 0.99);
        const http = contender !== "sdk";
        rows.push([
          String(concurrency),
          contenderName[contender],
          rate(cell.rates),
          fmtMs(p50),
          fmtMs(p99),
          http ? fmtMs(p50 - quantile(sdkSorted, 0.5)) : "",
          http ? fmtMs(p99 - quantile(sdkSorted, 0.99)) : "",
          http ? fmtRatio(median(sdk.rates) / median(cell.rates)) : "1.00x",
          fmtMs(median(cell.cpuMsPerRun)),
          String(cell.errors),
        ]);
      }
    }
    parts.push(
      model === "mock"
        ? "**Model: the mock OpenAI-compatible server** (`bench/mock-server.ts`, own process, zero latency, streamed answers over HTTP)."
        : "**Model: `scriptedModel` in-process** (no model socket: the pure framework cost).",
      "",
      table(
        [
          "concurrency",
          "caller",
          `invocations/s: median (min–max of ${rounds} rounds)`,
          "p50",
          "p99",
          "added p50",
          "added p99",
          "throughput ratio (SDK / HTTP)",
          "CPU of the agent's process per invocation",
          "errors",
        ],
        rows,
      ),
      "",
    );
  }
  return parts.join("\n");
}

export async function throughput(options: BenchOptions): Promise<Section> {
  const rounds = options.quick ? 2 : 3;
  const cells: Cell[] = [];
  for (const model of ["mock", "scripted"] as const)
    cells.push(...(await measureModel(model, options, rounds)));
  const data: ThroughputData = { rounds, toolTurns: TOOL_TURNS, cells };
  const c10 = plan(options.quick, 10);
  const markdown = [
    `One invocation = the benchmark analyst's 3-step run (${TOOL_TURNS} tool-calling turns, then an 8-chunk answer) in a new session. ` +
      "Closed loop: `concurrency` callers each start the next invocation when theirs ends. " +
      `${rounds} interleaved rounds per cell (e.g. ${c10.requests} measured invocations after ${c10.warmup} warm-up ones at concurrency 10); ` +
      "latency percentiles pool every round. HTTP: `POST /v1/agents/analyst/invocations` with an API key over keep-alive " +
      "connections from a separate load-generator process; JSON waits for the run's end, SSE reads the stream to its `run-end`. " +
      "Every event is committed to SQLite (WAL, synchronous=NORMAL) and traced before the next one, as in production. " +
      "*Added* = HTTP percentile minus the SDK's at the same concurrency.",
    "",
    render(data, rounds),
  ].join("\n");
  return {
    id: "throughput",
    title: "Invocations per second and added latency (runtime over HTTP vs SDK in-process)",
    command: "npm run bench:runtime -- --only=throughput",
    markdown,
    data,
  };
}
