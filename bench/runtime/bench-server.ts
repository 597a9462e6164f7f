/**
 * The runtime under test, in its own process: `startServer` (what `skein serve` runs) hosting the benchmark agent
 * on 127.0.0.1, with an API key for tenant `bench`, request logs at info level written to /dev/null, and the
 * limits raised for load (settings a deployment would set: no rate limit, a high cap on runs per tenant).
 * Commands on stdin (see child-process.ts): mem (after two full GCs), cpu, stats, snapshot, quit.
 * Run with --expose-gc.
 */
import { mkdirSync, rmSync } from "node:fs";
import { writeHeapSnapshot } from "node:v8";
import { createApiKey, createLogger, startServer } from "@skein/runtime";
import { pino } from "pino";
import { type BenchAgentConfig, benchAgent } from "./bench-agent.ts";
import { serveCommands } from "./child-process.ts";
import { serverCommand } from "./server-commands.ts";

export type { MemoryFigures } from "./server-commands.ts";

export interface BenchServerConfig extends BenchAgentConfig {
  dataDir: string;
  /** SSE heartbeat interval (runtime default 15 s). */
  sseHeartbeatMs?: number;
}

export interface BenchServerReady {
  url: string;
  key: string;
  agent: string;
}

const config = JSON.parse(process.argv[2]!) as BenchServerConfig;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run bench-server.ts with --expose-gc");

rmSync(config.dataDir, { recursive: true, force: true });
mkdirSync(config.dataDir, { recursive: true });
const agent = benchAgent(config);
const server = await startServer({
  agents: [agent],
  port: 0,
  host: "127.0.0.1",
  dataDir: config.dataDir,
  shutdownGraceMs: 200,
  logger: createLogger({ level: "info", destination: pino.destination({ dest: "/dev/null", sync: false }) }),
  app: {
    rateLimit: false,
    maxRunsPerTenant: 1_000_000,
    sseHeartbeatMs: config.sseHeartbeatMs,
  },
});
const { key } = await createApiKey(server.store, "bench");

serveCommands(
  { url: server.url, key, agent: agent.name } satisfies BenchServerReady,
  async (command) => {
    if (command.cmd !== "snapshot") return serverCommand(command.cmd, () => server.handle.runs.activeCount);
    gc();
    return { file: writeHeapSnapshot(String(command.file)) };
  },
  async () => {
    await server.close(); // runs of the stalling model never end: suspended after the 200 ms grace
    rmSync(config.dataDir, { recursive: true, force: true });
  },
);
