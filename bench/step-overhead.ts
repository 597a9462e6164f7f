/**
 * Per-step framework overhead (issue 2): a 3-turn tool-calling run (2 tool turns, then the answer) against the
 * zero-latency mock, Skein against the raw fetch loop, in one process, interleaved in rounds so drift in the
 * machine's load hits both alike.
 */
import { type MockProcess, spawnMockServer } from "./mock-process.ts";
import { knobsURL } from "./mock-wire.ts";
import { rawFetchAgent } from "./raw-fetch-agent.ts";
import { rawHttpFetch } from "./raw-http-fetch.ts";
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
    const rawHttp = rawFetchAgent(url, rawHttpFetch);
    const skein = skeinAgent(url);
    const skeinOverFetch = skeinAgent(url, globalThis.fetch);
    const check = await skein.run(USER_INPUT);
    if (check !== (await raw.run(USER_INPUT)))
      throw new Error("Skein and the raw loop disagree on the answer");
    log(
      `step overhead: ${settings.rounds} rounds x ${settings.perRound} runs each, after ${settings.warmup} warm-up`,
    );
    const results = await interleave(
      [
        { name: "raw fetch loop", run: raw.run },
        { name: "Skein (default: node:http on Node)", run: skein.run },
        { name: "raw node:http loop", run: rawHttp.run },
        { name: "Skein over fetch (`fetch: globalThis.fetch`)", run: skeinOverFetch.run },
      ],
      settings,
    );
    const [base, skeinResult, rawHttpResult, skeinFetchResult] = results as [
      StepResult,
      StepResult,
      StepResult,
      StepResult,
    ];
    /** Each row against its baseline: the raw fetch loop, or the raw loop on the same transport. */
    const baselineOf = (r: StepResult) => (r === skeinResult ? rawHttpResult : base);
    const rows = results.map((r) => [
      r.name,
      fmtSpread(r.perRun),
      `${fmtMs(r.perRun.q1)}–${fmtMs(r.perRun.q3)}`,
      fmtMs(r.perRun.median / STEPS),
      fmtMs(r.cpuPerRun / STEPS),
      fmtRatio(r.perRun.median / base.perRun.median),
      fmtRatio(r.cpuPerRun / base.cpuPerRun),
      r === base || r === rawHttpResult ? "" : fmtRatio(r.perRun.median / baselineOf(r).perRun.median),
    ]);
    const perStep = (r: StepResult, b: StepResult) => ({
      wall: (r.perRun.median - b.perRun.median) / STEPS,
      cpu: (r.cpuPerRun - b.cpuPerRun) / STEPS,
      ratio: r.perRun.median / b.perRun.median,
    });
    const target = perStep(skeinResult, base);
    const sameTransport = perStep(skeinResult, rawHttpResult);
    const overFetch = perStep(skeinFetchResult, base);
    const addedWall = target.wall;
    const addedCpu = target.cpu;
    const ratio = target.ratio;
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
          "wall ratio to raw fetch",
          "CPU ratio to raw fetch",
          "wall ratio, same transport",
        ],
        rows,
      ),
      "",
      `Against the raw fetch loop (the target's baseline), Skein as it runs by default takes ` +
        `**${fmtRatio(ratio)}** of its wall time per step (a difference of ${fmtMs(addedWall)} wall / ${fmtMs(addedCpu)} CPU per step; ` +
        `target <= 1.10x: ${ratio <= 1.1 ? "met" : "missed"}). Like for like, on the same transport, Skein's own ` +
        `overhead is **${fmtRatio(sameTransport.ratio)}** over \`node:http\` (+${fmtMs(sameTransport.wall)} wall per step) and ` +
        `**${fmtRatio(overFetch.ratio)}** over \`fetch\` (+${fmtMs(overFetch.wall)} wall per step).`,
    ].join("\n");
    return {
      id: "step-overhead",
      title: "Per-step framework overhead (3-turn tool-calling run, zero-latency mock)",
      command: `npm run bench -- --only=step${quick ? " --quick" : ""}`,
      markdown,
      data: {
        settings,
        results,
        addedWallMsPerStep: addedWall,
        addedCpuMsPerStep: addedCpu,
        ratio,
        sameTransport,
        overFetch,
      },
    };
  } finally {
    await server?.close();
  }
}
