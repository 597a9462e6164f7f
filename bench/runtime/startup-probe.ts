/**
 * One fresh process of a start-up variant, timed from spawn: to its first `GET /ping` 200 (ready), then, for the
 * `skein serve` variants, to the complete answer of a first invocation sent the moment it is ready (an API key of
 * the data directory, the mock model server). CPU is the process's own, all threads, read from /proc.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { knobsURL, startMockServer } from "../mock-server.ts";
import { tempDataDir } from "./bench-processes.ts";

export interface StartVariant {
  name: string;
  command: string;
  args: (port: number) => string[];
  /** Node's compile cache: where the CLI puts it (os.tmpdir(), a folder of the variant's own here), or off. */
  compileCache: boolean;
  /** Send a first invocation once ready (the `skein serve` variants; not the bare server). */
  invoke: boolean;
}

export interface StartEnv {
  cwd: string;
  dataDir: string;
  cacheDir: string;
  /** OpenAI-compatible base URL of the mock model (SKEIN_BASE_URL). */
  modelBaseUrl: string;
  /** API key of `dataDir` (invocations need one). */
  apiKey?: string;
}

export interface StartSample {
  /** Spawn → first `GET /ping` 200. */
  readyMs: number;
  /** CPU the process used until ready: the figure a busy machine does not inflate. */
  readyCpuMs: number;
  /** Spawn → the first invocation's complete answer (sent as soon as ready). */
  invokedMs?: number;
  invokedCpuMs?: number;
}

export const BENCH_AGENT = "ai-market-analyst";

export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** CPU time the process has used so far, all its threads (Linux `/proc/<pid>/task/<tid>/schedstat`, in ns). */
export function cpuMsOf(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // a thread that ended in between
    }
  }
  return ns / 1e6;
}

interface Answer {
  status: number;
  body: string;
}

function request(port: number, method: string, path: string, headers = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path, headers, agent: false }, (response) => {
      let text = "";
      response.setEncoding("utf8").on("data", (chunk: string) => {
        text += chunk;
      });
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const ping = (port: number) =>
  request(port, "GET", "/ping").then(
    (answer) => answer.status === 200,
    () => false,
  );

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });

function childEnv(variant: StartVariant, env: StartEnv): NodeJS.ProcessEnv {
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    SKEIN_DATA_DIR: env.dataDir,
    NODE_ENV: "production",
    SKEIN_BASE_URL: env.modelBaseUrl,
    SKEIN_MODEL: "mock",
  };
  for (const name of [
    "SKEIN_API_KEY",
    "DASHSCOPE_API_KEY",
    "NODE_COMPILE_CACHE",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
  ])
    delete childEnv[name];
  if (variant.compileCache)
    childEnv.TMPDIR = env.cacheDir; // the CLI enables the cache in os.tmpdir()
  else childEnv.NODE_DISABLE_COMPILE_CACHE = "1";
  return childEnv;
}

/** Spawns the variant, polls `/ping` every 2 ms from spawn until the first 200, then invokes the agent once. */
export async function timeStart(variant: StartVariant, env: StartEnv): Promise<StartSample> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, variant.args(port), {
    cwd: env.cwd,
    env: childEnv(variant, env),
    stdio: "ignore",
  });
  let failed = false;
  child.once("exit", () => {
    failed = true;
  });
  try {
    for (;;) {
      if (await ping(port)) break;
      if (failed) throw new Error(`${variant.name} exited before it was ready`);
      if (performance.now() - started > 20_000) throw new Error(`${variant.name} not ready after 20 s`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const sample: StartSample = { readyMs: performance.now() - started, readyCpuMs: cpuMsOf(child.pid!) };
    if (!variant.invoke) return sample;
    const answer = await request(
      port,
      "POST",
      `/v1/agents/${BENCH_AGENT}/invocations`,
      { authorization: `Bearer ${env.apiKey}`, "content-type": "application/json" },
      JSON.stringify({ input: "Which company invests the most in AI?" }),
    );
    if (answer.status !== 200 || !answer.body.includes('"status":"completed"'))
      throw new Error(
        `${variant.name}: first invocation answered ${answer.status} ${answer.body.slice(0, 300)}`,
      );
    return { ...sample, invokedMs: performance.now() - started, invokedCpuMs: cpuMsOf(child.pid!) };
  } finally {
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited(child);
    clearTimeout(timer);
  }
}

/** An API key of `dataDir`, made with the CLI from its sources (`skein keys create`, which prints it on stdout). */
export function createApiKey(cwd: string, dataDir: string): string {
  const out = execFileSync(
    process.execPath,
    ["packages/cli/src/main.ts", "keys", "create", "--tenant", "bench", "--data-dir", dataDir],
    { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
  );
  return out.trim();
}

/** A bare Node HTTP server answering every request: the floor every start is compared with. */
export const FLOOR_VARIANT: StartVariant = {
  name: "bare Node HTTP server (floor)",
  command: "node -e <server>",
  args: (port) => [
    "-e",
    "require('node:http').createServer((q,s)=>s.end('Healthy')).listen(Number(process.argv[1]),'127.0.0.1')",
    String(port),
  ],
  compileCache: false,
  invoke: false,
};

/**
 * Starts each variant once per round, in fresh processes, after two unmeasured rounds (the data directory and the
 * compile cache then exist, the file cache is warm); each variant has its own data directory and compile cache,
 * and the mock model. Returns the samples per variant, one per measured round, in round order.
 */
export async function interleaveStarts(
  variants: readonly StartVariant[],
  rounds: number,
  options: { cwd: string; name: string; onRound?: (round: number) => void },
): Promise<StartSample[][]> {
  const mock = await startMockServer();
  const dirs = variants.map((_, i) => ({
    data: tempDataDir(`${options.name}-${i}`),
    cache: tempDataDir(`${options.name}-cache-${i}`),
  }));
  const clean = () => {
    for (const dir of dirs)
      for (const d of [dir.data, dir.cache]) rmSync(d, { recursive: true, force: true });
  };
  clean();
  for (const dir of dirs) mkdirSync(dir.cache, { recursive: true });
  const keys = variants.map((v, i) => (v.invoke ? createApiKey(options.cwd, dirs[i]!.data) : undefined));
  const samples = variants.map(() => [] as StartSample[]);
  try {
    for (let round = -2; round < rounds; round++) {
      for (const [i, variant] of variants.entries()) {
        const sample = await timeStart(variant, {
          cwd: options.cwd,
          dataDir: dirs[i]!.data,
          cacheDir: dirs[i]!.cache,
          modelBaseUrl: knobsURL(mock.origin, { toolTurns: 0 }),
          apiKey: keys[i],
        });
        if (round >= 0) samples[i]!.push(sample);
      }
      if (round >= 0) options.onRound?.(round);
    }
  } finally {
    await mock.close();
    clean();
  }
  return samples;
}
