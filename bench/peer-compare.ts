/**
 * Side by side (issue 6): the same agent (instructions, 2 tools, scripted 3-step conversation) in Skein and each
 * peer, against one mock model server, every framework in its own process under the same Node, interleaved
 * round by round with the raw fetch baseline. Figures and their settings are in `settingsFor`.
 */
import { type MockProcess, spawnMockServer } from "./mock-process.ts";
import { knobsURL } from "./mock-wire.ts";
import { type ColdSample, coldStart, FrameworkWorker } from "./peer-pool.ts";
import { peerMarkdown } from "./peer-report.ts";
import {
  type BundleResult,
  type Contender,
  contenders,
  ensureInstalled,
  installedBytes,
  oneAgentBundle,
  versions,
} from "./peer-setup.ts";
import type { BenchOptions, Section } from "./section.ts";
import { log } from "./section.ts";
import { type Summary, summarize } from "./stats.ts";

export interface PeerFigures {
  id: string;
  label: string;
  versions: string;
  installedBytes: number;
  bundle: BundleResult;
  cold?: { importMs: Summary; firstRunMs: Summary; sinceStartMs: Summary };
  bytes?: { requests: number; perStep: number; total: number };
  step?: { perRun: Summary; cpuPerRun: number };
  stream?: { first: Summary; total: Summary; chunks: number };
  throughput: Record<number, { runsPerSec: number; errors: number }>;
  memory?: { heapUsed: number; rss: number; heapGrowth: number; rssGrowth: number; runs: number };
  blocked: string[];
  errors: string[];
}

export function settingsFor(quick: boolean) {
  return quick
    ? {
        coldRuns: 1,
        step: { warmup: 10, rounds: 2, perRound: 10 },
        stream: { chunks: 1_000, warmup: 1, rounds: 2, perRound: 1 },
        throughput: { 1: 10, 10: 30, 100: 100 } as Record<number, number>,
        memory: { runs: 30, warmup: 5, freshProcess: false },
      }
    : {
        coldRuns: 10,
        step: { warmup: 200, rounds: 10, perRound: 100 },
        stream: { chunks: 10_000, warmup: 2, rounds: 5, perRound: 2 },
        throughput: { 1: 300, 10: 1_000, 100: 2_000 } as Record<number, number>,
        memory: { runs: 10_000, warmup: 200, freshProcess: true },
      };
}

async function attempt(figures: PeerFigures, what: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    const message = String((error as Error)?.message ?? error).split("\n")[0]!;
    figures.errors.push(`${what}: ${message}`);
    log(`${figures.label}: ${what} failed: ${message}`);
  }
}

/** Runs `task` for every live worker, round by round, the order rotating each round. */
async function roundRobin<T>(
  workers: FrameworkWorker[],
  rounds: number,
  task: (w: FrameworkWorker) => Promise<T>,
  collect: (w: FrameworkWorker, value: T) => void,
  fail: (w: FrameworkWorker, error: unknown) => void,
): Promise<void> {
  const broken = new Set<FrameworkWorker>();
  for (let round = 0; round < rounds; round++) {
    const order = workers.map((_, i) => workers[(i + round) % workers.length]!);
    for (const w of order) {
      if (broken.has(w)) continue;
      try {
        collect(w, await task(w));
      } catch (error) {
        broken.add(w);
        fail(w, error);
      }
    }
  }
}

export async function peerComparison({ quick }: BenchOptions): Promise<Section> {
  const settings = settingsFor(quick);
  const figures = new Map<string, PeerFigures>();
  const ready: Contender[] = [];
  for (const c of contenders) {
    const f: PeerFigures = {
      id: c.id,
      label: c.label,
      versions: "",
      installedBytes: 0,
      bundle: {},
      throughput: {},
      blocked: [],
      errors: [],
    };
    figures.set(c.id, f);
    const failure = ensureInstalled(c);
    if (failure) f.errors.push(`install: ${failure}`);
    else ready.push(c);
    f.versions = versions(c);
  }
  let server: MockProcess | undefined;
  const workers: FrameworkWorker[] = [];
  try {
    server = await spawnMockServer();
    const baseURL = knobsURL(server.origin);
    const streamURL = knobsURL(server.origin, { toolTurns: 0, chunks: settings.stream.chunks });

    for (const c of ready) {
      const f = figures.get(c.id)!;
      f.installedBytes = installedBytes(c);
      f.bundle = await oneAgentBundle(c);
      log(`${c.label}: cold start x${settings.coldRuns}`);
      await attempt(f, "cold start", async () => {
        const samples: ColdSample[] = [];
        for (let i = 0; i < settings.coldRuns; i++) samples.push(coldStart(c, baseURL));
        f.cold = {
          importMs: summarize(samples.map((s) => s.importMs)),
          firstRunMs: summarize(samples.map((s) => s.firstRunMs)),
          sinceStartMs: summarize(samples.map((s) => s.sinceStartMs)),
        };
      });
      await attempt(f, "start", async () => {
        workers.push(await FrameworkWorker.start(c, baseURL));
      });
    }
    const fig = (w: FrameworkWorker) => figures.get(w.contender.id)!;
    const failed = (what: string) => (w: FrameworkWorker, error: unknown) =>
      void attempt(fig(w), what, () => Promise.reject(error));

    log("bytes sent per step");
    for (const w of workers) {
      await attempt(fig(w), "bytes", async () => {
        await server!.reset();
        await w.request({ type: "once" });
        const stats = await server!.stats();
        const total = stats.bodyBytes.reduce((a, b) => a + b, 0);
        fig(w).bytes = { requests: stats.requests, perStep: total / Math.max(1, stats.requests), total };
      });
    }

    log(`per-step overhead: ${settings.step.rounds} rounds x ${settings.step.perRound} runs`);
    const stepSamples = new Map<FrameworkWorker, { samples: number[]; cpuMs: number }>();
    await roundRobin(
      workers,
      1,
      (w) => w.request({ type: "step", runs: settings.step.warmup }),
      () => {},
      failed("step warm-up"),
    );
    await roundRobin(
      workers,
      settings.step.rounds,
      (w) => w.request<{ samples: number[]; cpuMs: number }>({ type: "step", runs: settings.step.perRound }),
      (w, r) => {
        const acc = stepSamples.get(w) ?? { samples: [], cpuMs: 0 };
        acc.samples.push(...r.samples);
        acc.cpuMs += r.cpuMs;
        stepSamples.set(w, acc);
      },
      failed("step"),
    );
    for (const [w, acc] of stepSamples) {
      fig(w).step = { perRun: summarize(acc.samples), cpuPerRun: acc.cpuMs / acc.samples.length };
    }

    log(`streaming: ${settings.stream.chunks} chunks`);
    const { chunks } = settings.stream;
    const streamSamples = new Map<FrameworkWorker, { first: number[]; total: number[] }>();
    await roundRobin(
      workers,
      1,
      (w) => w.request({ type: "stream", baseURL: streamURL, chunks, runs: settings.stream.warmup }),
      () => {},
      failed("stream warm-up"),
    );
    await roundRobin(
      workers,
      settings.stream.rounds,
      (w) =>
        w.request<{ first: number[]; total: number[] }>({
          type: "stream",
          baseURL: streamURL,
          chunks,
          runs: settings.stream.perRound,
        }),
      (w, r) => {
        const acc = streamSamples.get(w) ?? { first: [], total: [] };
        acc.first.push(...r.first);
        acc.total.push(...r.total);
        streamSamples.set(w, acc);
      },
      failed("stream"),
    );
    for (const [w, acc] of streamSamples) {
      fig(w).stream = { first: summarize(acc.first), total: summarize(acc.total), chunks };
    }

    for (const [concurrency, runs] of Object.entries(settings.throughput)) {
      log(`throughput at concurrency ${concurrency}`);
      for (const w of workers) {
        await attempt(fig(w), `throughput ${concurrency}`, async () => {
          const r = await w.request<{ elapsedMs: number; errors: number }>({
            type: "throughput",
            concurrency: Number(concurrency),
            runs,
          });
          fig(w).throughput[Number(concurrency)] = {
            runsPerSec: (runs / r.elapsedMs) * 1000,
            errors: r.errors,
          };
        });
      }
    }
    for (const w of workers) {
      await attempt(fig(w), "network guard", async () => {
        fig(w).blocked = (await w.request<{ blocked: string[] }>({ type: "blocked" })).blocked;
      });
    }
    // Memory last. In a full run each framework is alone in a fresh process, so nothing else shares its heap;
    // --quick reuses the workers above.
    const { runs, warmup, freshProcess } = settings.memory;
    const live = new Map(workers.map((w) => [w.contender.id, w]));
    if (freshProcess) await Promise.all(workers.splice(0).map((w) => w.close()));
    for (const c of ready) {
      const f = figures.get(c.id)!;
      log(`${c.label}: memory after ${runs} runs`);
      await attempt(f, "memory", async () => {
        const w = freshProcess ? await FrameworkWorker.start(c, baseURL) : live.get(c.id);
        if (!w) throw new Error("no worker");
        try {
          const r = await w.request<{ before: NodeJS.MemoryUsage; after: NodeJS.MemoryUsage }>({
            type: "memory",
            runs,
            warmup,
          });
          f.memory = {
            heapUsed: r.after.heapUsed,
            rss: r.after.rss,
            heapGrowth: r.after.heapUsed - r.before.heapUsed,
            rssGrowth: r.after.rss - r.before.rss,
            runs,
          };
        } finally {
          if (freshProcess) await w.close();
        }
      });
    }
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await server?.close();
  }
  const all = [...figures.values()];
  return {
    id: "peers",
    title: "Side by side: Skein, its peers and the raw fetch baseline",
    command: `npm run bench -- --only=peers${quick ? " --quick" : ""}`,
    markdown: peerMarkdown(all, settings),
    data: { settings, figures: all },
  };
}
