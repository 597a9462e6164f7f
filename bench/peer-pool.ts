/** Framework processes for the comparison: long-lived IPC workers, and fresh processes for cold starts. */
import { type ChildProcess, fork, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type Contender, workerEnv } from "./peer-setup.ts";
import type { Task } from "./peer-worker.ts";

const workerScript = fileURLToPath(new URL("./peer-worker.ts", import.meta.url));

interface Reply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** One framework in its own Node process (the repo's Node: `process.execPath`), driven task by task. */
export class FrameworkWorker {
  readonly contender: Contender;
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private nextId = 1;

  private constructor(contender: Contender, child: ChildProcess) {
    this.contender = contender;
    this.child = child;
    child.on("message", (reply: Reply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiter.resolve(reply.result);
      else waiter.reject(new Error(`${contender.label}: ${reply.error}`));
    });
    child.on("exit", (code) => {
      for (const waiter of this.pending.values())
        waiter.reject(new Error(`${contender.label} exited with ${code}`));
      this.pending.clear();
    });
  }

  /** Forks the worker, loads the adapter, and checks one run end to end. */
  static async start(contender: Contender, baseURL: string): Promise<FrameworkWorker> {
    const child = fork(workerScript, [], {
      execPath: process.execPath,
      execArgv: ["--expose-gc"],
      env: { ...process.env, ...workerEnv },
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    await new Promise<void>((resolve, reject) => {
      child.once("message", () => resolve());
      child.once("exit", (code) => reject(new Error(`${contender.label} worker exited with ${code}`)));
    });
    const worker = new FrameworkWorker(contender, child);
    await worker.request({ type: "init", adapter: contender.adapter, baseURL });
    return worker;
  }

  request<T = any>(task: Task, timeoutMs = 600_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.contender.label}: ${task.type} took over ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.send({ id, task });
    });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill();
    await exited;
  }
}

export interface ColdSample {
  importMs: number;
  firstRunMs: number;
  /** From process start to the end of the first run (Node boot and the worker's own loading included). */
  sinceStartMs: number;
}

/** One cold start in a fresh process: import the framework, build the agent, finish one run. */
export function coldStart(contender: Contender, baseURL: string): ColdSample {
  const child = spawnSync(process.execPath, [workerScript, "--cold", contender.adapter, baseURL], {
    encoding: "utf8",
    env: { ...process.env, ...workerEnv, NODE_DISABLE_COMPILE_CACHE: "1", NODE_COMPILE_CACHE: "" },
    timeout: 120_000,
  });
  if (child.status !== 0)
    throw new Error(`${contender.label} cold start failed: ${child.stderr.slice(-500)}`);
  return JSON.parse(child.stdout.trim().split("\n").at(-1)!);
}
