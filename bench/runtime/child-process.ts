/**
 * The benchmark's processes (runtime server, SDK worker, load generator) talk to the parent over stdio: the parent
 * writes one JSON command per line on stdin, the child answers each with one JSON line on stdout. The first line a
 * child writes is its ready message.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";

export interface BenchChild<Ready> {
  ready: Ready;
  pid: number;
  /** Sends a command and resolves with the child's answer (commands are answered in order). */
  send<T = unknown>(command: Record<string, unknown>): Promise<T>;
  /** Closes stdin (the child exits when it reads the end) and waits for the exit; kills it after 10 s. */
  close(): Promise<void>;
}

export async function spawnBenchChild<Ready>(
  script: string,
  config: unknown,
  options: { execArgv?: string[]; env?: Record<string, string> } = {},
): Promise<BenchChild<Ready>> {
  const child: ChildProcess = spawn(
    process.execPath,
    [...(options.execArgv ?? []), script, JSON.stringify(config)],
    {
      stdio: ["pipe", "pipe", "inherit"],
      env: { ...process.env, NODE_ENV: "production", ...options.env },
    },
  );
  const lines = createInterface({ input: child.stdout! });
  const waiting: { resolve(value: unknown): void; reject(error: Error): void }[] = [];
  let failed: Error | undefined;
  child.once("exit", (code, signal) => {
    failed = new Error(`${script} exited (${code ?? signal})`);
    for (const w of waiting.splice(0)) w.reject(failed);
  });
  lines.on("line", (line) => {
    const message = JSON.parse(line) as { error?: string };
    const next = waiting.shift();
    if (!next) return;
    if (message.error !== undefined) next.reject(new Error(`${script}: ${message.error}`));
    else next.resolve(message);
  });
  const answer = <T>() =>
    new Promise<T>((resolve, reject) => {
      if (failed) return reject(failed);
      waiting.push({ resolve: resolve as (value: unknown) => void, reject });
    });
  const ready = await answer<Ready>();
  return {
    ready,
    pid: child.pid!,
    send: <T>(command: Record<string, unknown>) => {
      const answered = answer<T>();
      child.stdin!.write(`${JSON.stringify(command)}\n`);
      return answered;
    },
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.stdin!.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The child's side: writes `ready`, then answers each command line with `handle`'s result; exits at stdin's end. */
export function serveCommands(
  ready: unknown,
  handle: (command: Record<string, unknown>) => Promise<unknown>,
  onEnd: () => Promise<void> = async () => {},
): void {
  const write = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
  write(ready);
  let queue = Promise.resolve();
  const lines = createInterface({ input: process.stdin });
  lines.on("line", (line) => {
    queue = queue.then(async () => {
      try {
        write((await handle(JSON.parse(line))) ?? {});
      } catch (error) {
        write({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      }
    });
  });
  lines.on("close", () => {
    void queue.then(onEnd).then(() => process.exit(0));
  });
}
