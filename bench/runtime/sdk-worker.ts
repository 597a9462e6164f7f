/**
 * The in-process baseline, in its own process: the same agent and model as the runtime hosts, called with
 * `agent.run()` by a closed loop of `concurrency` callers. Command `load { concurrency, requests, warmup, maxMs }`
 * answers latencies in ms (call → result), like load-client.ts does over HTTP.
 */
import { type BenchAgentConfig, benchAgent } from "./bench-agent.ts";
import { serveCommands } from "./child-process.ts";
import type { LoadResult } from "./load-client.ts";

const config = JSON.parse(process.argv[2]!) as BenchAgentConfig & { input: string };
const agent = benchAgent(config);

async function load(command: Record<string, unknown>): Promise<LoadResult> {
  const concurrency = Number(command.concurrency);
  const maxMs = Number(command.maxMs ?? 60_000);
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const loop = async (count: number, record: boolean) => {
    let next = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < count && performance.now() - started < maxMs) {
        next++;
        const t0 = performance.now();
        try {
          const result = await agent.run(config.input);
          if (result.stopReason !== "done") throw new Error(`run stopped: ${result.stopReason}`);
          if (record) latencies.push(performance.now() - t0);
        } catch (error) {
          errors++;
          firstError ??= String(error);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return performance.now() - started;
  };
  await loop(Number(command.warmup ?? 0), false);
  const wallMs = await loop(Number(command.requests), true);
  return { latencies, wallMs, errors, firstError };
}

serveCommands({ pid: process.pid }, async (command) => {
  if (command.cmd === "load") return load(command);
  if (command.cmd === "cpu") return process.cpuUsage();
  throw new Error(`unknown command ${String(command.cmd)}`);
});
