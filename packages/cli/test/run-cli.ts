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
  /** The same for stderr (the server's banner and `skein dev`'s notes go there). */
  waitForStderr(text: string): Promise<void>;
  /** Resolves with the match of the next complete line (after the previous match) that `pattern` matches. */
  waitForLine(stream: Stream, pattern: RegExp): Promise<string[]>;
  /** Everything printed so far. */
  output: Record<Stream, string>;
}

type Stream = "stdout" | "stderr";

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  stdin?: string;
  /** Run inside a pseudo-terminal (util-linux `script`), so stdin and stdout are TTYs: the interactive mode. */
  tty?: boolean;
  /** Working directory (default: the repo root). */
  cwd?: string;
  /** The CLI's entry file (default `packages/cli/src/main.ts`; the built `dist/skein.js` for the bundle). */
  main?: string;
}

/** Spawns the real CLI (`node packages/cli/src/main.ts ...`) with the Node running the tests (Node 24). */
export function startCli(args: string[], options: StartOptions = {}): CliRun {
  const argv = [process.execPath, options.main ?? cliMain, ...args];
  const [command, commandArgs] = options.tty
    ? ["script", ["--quiet", "--flush", "--return", "--command", argv.map(shellQuote).join(" "), "/dev/null"]]
    : [argv[0]!, argv.slice(1)];
  const child = spawn(command, commandArgs, {
    cwd: options.cwd ?? repoRoot,
    env: options.env ?? cleanEnv(),
    stdio: ["pipe", "pipe", "pipe"],
  });
  const output = { stdout: "", stderr: "" };
  const cursors = { stdout: 0, stderr: 0 };
  type Find = (text: string, from: number) => { end: number; match: string[] } | undefined;
  const waiters: Partial<Record<Stream, { find: Find; resolve: (match: string[]) => void }>> = {};
  const check = (stream: Stream) => {
    const waiter = waiters[stream];
    const found = waiter?.find(output[stream], cursors[stream]);
    if (!waiter || !found) return;
    cursors[stream] = found.end;
    waiters[stream] = undefined;
    waiter.resolve(found.match);
  };
  for (const stream of ["stdout", "stderr"] as const)
    child[stream]!.setEncoding("utf8").on("data", (chunk: string) => {
      output[stream] += chunk;
      check(stream);
    });
  if (options.stdin !== undefined) child.stdin!.end(options.stdin);
  const done = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) =>
      resolve({ code, signal, stdout: output.stdout, stderr: output.stderr }),
    );
  });
  const wait = (stream: Stream, what: string, find: Find) =>
    Promise.race([
      new Promise<string[]>((resolve) => {
        waiters[stream] = { find, resolve };
        check(stream);
      }),
      done.then((r): never => {
        throw new Error(
          `CLI exited (${r.code}) before printing ${what} on ${stream}:\n${r.stdout}\n${r.stderr}`,
        );
      }),
    ]);
  const text = (stream: Stream) => async (wanted: string) => {
    await wait(stream, JSON.stringify(wanted), (all, from) => {
      const at = all.indexOf(wanted, from);
      return at < 0 ? undefined : { end: at + wanted.length, match: [wanted] };
    });
  };
  const line = (stream: Stream) => (pattern: RegExp) =>
    wait(stream, String(pattern), (all, from) => {
      let start = from;
      for (let end = all.indexOf("\n", start); end >= 0; start = end + 1, end = all.indexOf("\n", start)) {
        const match = pattern.exec(all.slice(start, end));
        if (match) return { end: end + 1, match: [...match] };
      }
      return undefined;
    });
  return {
    child,
    done,
    waitForStdout: text("stdout"),
    waitForStderr: text("stderr"),
    waitForLine: (stream, pattern) => line(stream)(pattern),
    output,
  };
}

export const runCli = (args: string[], options?: StartOptions) => startCli(args, options).done;

const shellQuote = (arg: string): string => `'${arg.replace(/'/g, "'\\''")}'`;
