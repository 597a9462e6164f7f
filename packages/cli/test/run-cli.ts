import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const cliMain = path.join(repoRoot, "packages/cli/src/main.ts");

/** The parent's environment without any model configuration, so only what a test passes counts. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  for (const name of [
    "SKEIN_MODEL",
    "SKEIN_BASE_URL",
    "SKEIN_API_KEY",
    "DASHSCOPE_API_KEY",
    "DASHSCOPE_REGION",
  ]) {
    delete env[name];
  }
  return { ...env, ...extra };
}

export interface CliRun {
  child: ChildProcess;
  /** Resolves when the process has exited and its output is closed. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  /**
   * Resolves once `text` appears in stdout after the end of the previous match (so repeated prompts can be awaited
   * one by one); rejects if the process exits first.
   */
  waitForStdout(text: string): Promise<void>;
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  stdin?: string;
  /** Run inside a pseudo-terminal (util-linux `script`), so stdin and stdout are TTYs: the interactive mode. */
  tty?: boolean;
}

/** Spawns the real CLI (`node packages/cli/src/main.ts ...`) with the Node running the tests (Node 24). */
export function startCli(args: string[], options: StartOptions = {}): CliRun {
  const argv = [process.execPath, cliMain, ...args];
  const [command, commandArgs] = options.tty
    ? ["script", ["--quiet", "--flush", "--return", "--command", argv.map(shellQuote).join(" "), "/dev/null"]]
    : [argv[0]!, argv.slice(1)];
  const child = spawn(command, commandArgs, {
    cwd: repoRoot,
    env: options.env ?? cleanEnv(),
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let cursor = 0;
  let waiter: { text: string; resolve: () => void } | undefined;
  const check = () => {
    if (!waiter) return;
    const at = stdout.indexOf(waiter.text, cursor);
    if (at < 0) return;
    cursor = at + waiter.text.length;
    const { resolve } = waiter;
    waiter = undefined;
    resolve();
  };
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    check();
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  if (options.stdin !== undefined) child.stdin!.end(options.stdin);
  const done = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  const waitForStdout = (text: string) =>
    Promise.race([
      new Promise<void>((resolve) => {
        waiter = { text, resolve };
        check();
      }),
      done.then((r) => {
        throw new Error(
          `CLI exited (${r.code}) before printing ${JSON.stringify(text)}:\n${r.stdout}\n${r.stderr}`,
        );
      }),
    ]);
  return { child, done, waitForStdout };
}

export const runCli = (args: string[], options?: StartOptions) => startCli(args, options).done;

const shellQuote = (arg: string): string => `'${arg.replace(/'/g, "'\\''")}'`;
