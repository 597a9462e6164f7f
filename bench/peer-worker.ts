/**
 * One framework under measurement, in its own process. Forked by `peer-compare.ts` with an IPC channel: it loads
 * one adapter (a module exporting `createAgent(baseURL)`, `label`, `packages`) and answers tasks one at a time,
 * so the orchestrator can interleave frameworks round by round. With `--cold <adapter> <baseURL>` it instead
 * measures a cold start and prints one JSON line.
 */
import { blockedRequests, installNetworkGuard } from "./network-guard.ts";
import { USER_INPUT } from "./scenario.ts";

installNetworkGuard();

export interface BenchAgent {
  run(input: string): Promise<string>;
  stream(input: string, onText: (text: string) => void): Promise<string>;
}

interface Adapter {
  label: string;
  packages: string[];
  createAgent(baseURL: string): BenchAgent;
}

export type Task =
  | { type: "init"; adapter: string; baseURL: string }
  | { type: "step"; runs: number }
  | { type: "stream"; baseURL: string; chunks: number; runs: number }
  | { type: "throughput"; concurrency: number; runs: number }
  | { type: "memory"; runs: number; warmup: number }
  | { type: "once" }
  | { type: "blocked" };

let agent: BenchAgent | undefined;
let adapter: Adapter | undefined;
const streamAgents = new Map<string, BenchAgent>();

const expected = (text: string) => {
  if (!text.startsWith("Alibaba")) throw new Error(`unexpected answer: ${JSON.stringify(text.slice(0, 80))}`);
};

async function handle(task: Task): Promise<unknown> {
  switch (task.type) {
    case "init": {
      adapter = (await import(task.adapter)) as Adapter;
      agent = adapter.createAgent(task.baseURL);
      expected(await agent.run(USER_INPUT));
      return { label: adapter.label };
    }
    case "step": {
      const samples: number[] = [];
      const cpu = process.cpuUsage();
      for (let i = 0; i < task.runs; i++) {
        const start = performance.now();
        await agent!.run(USER_INPUT);
        samples.push(performance.now() - start);
      }
      const used = process.cpuUsage(cpu);
      return { samples, cpuMs: (used.user + used.system) / 1000 };
    }
    case "stream": {
      let streaming = streamAgents.get(task.baseURL);
      if (!streaming) {
        streaming = adapter!.createAgent(task.baseURL);
        streamAgents.set(task.baseURL, streaming);
      }
      const first: number[] = [];
      const total: number[] = [];
      for (let i = 0; i < task.runs; i++) {
        let seen = 0;
        let firstAt = 0;
        const start = performance.now();
        await streaming.stream(USER_INPUT, () => {
          if (seen++ === 0) firstAt = performance.now();
        });
        total.push(performance.now() - start);
        first.push(firstAt - start);
        if (seen !== task.chunks) throw new Error(`expected ${task.chunks} text pieces, saw ${seen}`);
      }
      return { first, total };
    }
    case "throughput": {
      let next = 0;
      let errors = 0;
      const start = performance.now();
      const lane = async () => {
        while (next < task.runs) {
          next++;
          await agent!.run(USER_INPUT).catch(() => errors++);
        }
      };
      await Promise.all(Array.from({ length: task.concurrency }, lane));
      return { elapsedMs: performance.now() - start, errors };
    }
    case "memory": {
      const gc = (globalThis as { gc?: () => void }).gc;
      if (!gc) throw new Error("the memory task needs --expose-gc");
      for (let i = 0; i < task.warmup; i++) await agent!.run(USER_INPUT);
      gc();
      const before = process.memoryUsage();
      for (let i = 0; i < task.runs; i++) await agent!.run(USER_INPUT);
      gc();
      const after = process.memoryUsage();
      return { before, after };
    }
    case "once":
      return { text: await agent!.run(USER_INPUT) };
    case "blocked":
      return { blocked: blockedRequests };
  }
}

/** Cold start: import the framework (through its adapter), build the agent, finish one run. */
async function cold(adapterPath: string, baseURL: string): Promise<void> {
  const t0 = performance.now();
  const loaded = (await import(adapterPath)) as Adapter;
  const t1 = performance.now();
  const text = await loaded.createAgent(baseURL).run(USER_INPUT);
  const t2 = performance.now();
  expected(text);
  process.stdout.write(`${JSON.stringify({ importMs: t1 - t0, firstRunMs: t2 - t1, sinceStartMs: t2 })}\n`);
}

if (process.argv[2] === "--cold") {
  await cold(process.argv[3]!, process.argv[4]!);
} else {
  process.on("message", (message: { id: number; task: Task }) => {
    handle(message.task).then(
      (result) => process.send!({ id: message.id, ok: true, result }),
      (error: unknown) =>
        process.send!({ id: message.id, ok: false, error: String((error as Error)?.stack ?? error) }),
    );
  });
  process.send!({ id: 0, ok: true, result: "ready" });
}
