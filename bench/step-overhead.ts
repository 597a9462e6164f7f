/**
 * Per-step framework overhead (issue 2): a 3-turn tool-calling run (2 tool turns, then the answer) against the
 * zero-latency mock, Skein against the raw fetch loop, in one process, interleaved in rounds so drift in the
 * machine's load hits both alike.
 */
import { type MockProcess, spawnMockServer } from "./mock-process.ts";
import { knobsURL } from "./mock-wire.ts";
import { rawFetchAgent } from "./raw-fetch-agent.ts";
import { USER_INPUT } from "./scenario.ts";
import type { BenchOptions, Section } from "./section.ts";
import { log } from "./section.ts";
import { skeinAgent } from "./skein/skein-agent.ts";
import { fmtMs, fmtRatio, fmtSpread, type Summary, summarize, table } from "./stats.ts";

const STEPS = 3;

export interface Contender {
  name: string;
  run(input: string): Promise<string>;
}

export interface StepResult {
  name: string;
  perRun: Summary;
  /** Client CPU time (user + system) per run, in ms: what the framework costs the process. */
  cpuPerRun: number;
}

/** Runs `contenders` in interleaved rounds; returns per-run wall times and CPU per run. */
export async function interleave(
  contenders: Contender[],
  options: { warmup: number; rounds: number; perRound: number },
): Promise<StepResult[]> {
  for (const c of contenders) for (let i = 0; i < options.warmup; i++) await c.run(USER_INPUT);
  const samples = contenders.map(() => [] as number[]);
  const cpu = contenders.map(() => 0);
  for (let round = 0; round < options.rounds; round++) {
    // Alternate the order too, so neither always runs right after the other's garbage.
    const order = round % 2 === 0 ? contenders.map((_, i) => i) : contenders.map((_, i) => i).reverse();
    for (const i of order) {
      const c = contenders[i]!;
      const cpuStart = process.cpuUsage();
      for (let k = 0; k < options.perRound; k++) {
        const start = performance.now();
        await c.run(USER_INPUT);
        samples[i]!.push(performance.now() - start);
      }
      const used = process.cpuUsage(cpuStart);
      cpu[i]! += (used.user + used.system) / 1000;
    }
  }
  const runs = options.rounds * options.perRound;
  return contenders.map((c, i) => ({
    name: c.name,
    perRun: summarize(samples[i]!),
    cpuPerRun: cpu[i]! / runs,
  }));
}

export async function stepOverhead({ quick }: BenchOptions): Promise<Section> {
  const settings = quick
    ? { warmup: 200, rounds: 6, perRound: 100 }
    : { warmup: 1000, rounds: 20, perRound: 250 };
  let server: MockProcess | undefined;
  try {
    server = await spawnMockServer();
    const url = knobsURL(server.origin, { toolTurns: STEPS - 1, parallel: 1 });
    const raw = rawFetchAgent(url);
    const skein = skeinAgent(url);
    const check = await skein.run(USER_INPUT);
    if (check !== (await raw.run(USER_INPUT)))
      throw new Error("Skein and the raw loop disagree on the answer");
    log(
      `step overhead: ${settings.rounds} rounds x ${settings.perRound} runs each, after ${settings.warmup} warm-up`,
    );
    const [rawResult, skeinResult] = await interleave(
      [
        { name: "raw fetch loop", run: raw.run },
        { name: "Skein", run: skein.run },
      ],
      settings,
    );
    const base = rawResult!;
    const rows = [base, skeinResult!].map((r) => [
      r.name,
      fmtSpread(r.perRun),
      `${fmtMs(r.perRun.q1)}–${fmtMs(r.perRun.q3)}`,
      fmtMs(r.perRun.median / STEPS),
      fmtMs(r.cpuPerRun / STEPS),
      fmtRatio(r.perRun.median / base.perRun.median),
      fmtRatio(r.cpuPerRun / base.cpuPerRun),
    ]);
    const addedWall = (skeinResult!.perRun.median - base.perRun.median) / STEPS;
    const addedCpu = (skeinResult!.cpuPerRun - base.cpuPerRun) / STEPS;
    const ratio = skeinResult!.perRun.median / base.perRun.median;
    const markdown = [
      `${settings.rounds} interleaved rounds of ${settings.perRound} runs per contender after ${settings.warmup} warm-up runs each; ` +
        `one run = ${STEPS} model steps (2 tool-calling turns with 1 call each, then a streamed 8-chunk answer).`,
      "",
      table(
        [
          "contender",
          "wall per run: median (p10–p90)",
          "IQR",
          "wall per step",
          "CPU per step",
          "wall ratio",
          "CPU ratio",
        ],
        rows,
      ),
      "",
      `Skein adds **${fmtMs(addedWall)} wall / ${fmtMs(addedCpu)} CPU per step**; wall ratio **${fmtRatio(ratio)}** ` +
        `(target <= 1.10x: ${ratio <= 1.1 ? "met" : "missed"}).`,
    ].join("\n");
    return {
      id: "step-overhead",
      title: "Per-step framework overhead (3-turn tool-calling run, zero-latency mock)",
      command: `npm run bench -- --only=step${quick ? " --quick" : ""}`,
      markdown,
      data: {
        settings,
        results: [base, skeinResult],
        addedWallMsPerStep: addedWall,
        addedCpuMsPerStep: addedCpu,
        ratio,
      },
    };
  } finally {
    await server?.close();
  }
}
