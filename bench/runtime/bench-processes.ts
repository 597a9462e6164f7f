/** Spawners of the benchmark's processes; the parent only orchestrates and never runs load itself. */
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { USER_INPUT } from "../scenario.ts";
import type { BenchAgentConfig } from "./bench-agent.ts";
import type { BenchServerConfig, BenchServerReady, MemoryFigures } from "./bench-server.ts";
import { type BenchChild, spawnBenchChild } from "./child-process.ts";
import type { InvokeMode, LoadResult } from "./load-client.ts";

const script = (name: string) => fileURLToPath(new URL(name, import.meta.url));

export const tempDataDir = (name: string) =>
  path.join(os.tmpdir(), `skein-bench-runtime-${process.pid}-${name}`);

export type ServerProcess = BenchChild<BenchServerReady> & {
  memory(): Promise<MemoryFigures>;
  cpuMs(): Promise<number>;
};

export async function spawnServer(
  config: Omit<BenchServerConfig, "dataDir">,
  name: string,
): Promise<ServerProcess> {
  const child = await spawnBenchChild<BenchServerReady>(
    script("./bench-server.ts"),
    { ...config, dataDir: tempDataDir(name) },
    { execArgv: ["--expose-gc"] },
  );
  return { ...child, memory: () => child.send({ cmd: "mem" }), cpuMs: () => cpuMs(child) };
}

/** The SSE baseline: a bare Node HTTP server holding SSE streams (`bare-sse-server.ts`), with the same commands. */
export async function spawnBareSseServer(config: { sseHeartbeatMs?: number }): Promise<ServerProcess> {
  const child = await spawnBenchChild<BenchServerReady>(script("./bare-sse-server.ts"), config, {
    execArgv: ["--expose-gc"],
  });
  return { ...child, memory: () => child.send({ cmd: "mem" }), cpuMs: () => cpuMs(child) };
}

export interface LoadCommand {
  concurrency: number;
  requests: number;
  warmup: number;
  maxMs: number;
}

export type LoadClient = BenchChild<{ pid: number }> & {
  load(mode: InvokeMode, command: LoadCommand): Promise<LoadResult>;
  /** Opens `count` more held streams (or, `async`, runs without a stream); resolves with the total. */
  hold(count: number, mode?: "sse" | "async"): Promise<{ open: number }>;
};

export async function spawnLoadClient(server: BenchServerReady): Promise<LoadClient> {
  const child = await spawnBenchChild<{ pid: number }>(script("./load-client.ts"), {
    ...server,
    input: USER_INPUT,
  });
  return {
    ...child,
    load: (mode, command) => child.send({ cmd: "load", mode, ...command }),
    hold: (count, mode = "sse") => child.send({ cmd: "hold", count, mode }),
  };
}

export type SdkWorker = BenchChild<{ pid: number }> & {
  load(command: LoadCommand): Promise<LoadResult>;
  cpuMs(): Promise<number>;
};

export async function spawnSdkWorker(config: BenchAgentConfig): Promise<SdkWorker> {
  const child = await spawnBenchChild<{ pid: number }>(script("./sdk-worker.ts"), {
    ...config,
    input: USER_INPUT,
  });
  return { ...child, load: (command) => child.send({ cmd: "load", ...command }), cpuMs: () => cpuMs(child) };
}

async function cpuMs(child: BenchChild<unknown>): Promise<number> {
  const { user, system } = await child.send<{ user: number; system: number }>({ cmd: "cpu" });
  return (user + system) / 1000;
}
