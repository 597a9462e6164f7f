import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { changedSinceLoad, type DevReadyMessage, type DevWatchingMessage } from "../dev/dev-handshake.ts";
import { FileWatcher } from "../dev/file-watcher.ts";
import { EXIT, UsageError } from "../errors.ts";
import { CONFIG_FILE_NAMES, isLoopback } from "../runtime-imports.ts";
import { parseServeArgs, SERVE_USAGE } from "../serve-args.ts";
import { DEV_CHILD_ENV, type ServeIo } from "./serve.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
/** The CLI's entry: the bundle when this code runs from it (`packages/cli/dist/`), else `src/main.ts`. */
const mainFile = path.basename(here) === "dist" ? path.join(here, "skein.js") : path.join(here, "../main.ts");
/** Saving a file fires several events; one restart follows the last of them. */
const settleMs = 100;
/** A server that has not stopped this long after SIGTERM is killed. */
const stopGraceMs = 10_000;

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });

/**
 * `skein dev`: runs `skein serve --dev` in a child process and restarts it when the config or a file it loaded
 * changes. A fresh process (rather than re-importing) is the reliable way to drop every old module, timer and
 * socket; runs in flight at a restart end as interrupted, as at any graceful shutdown.
 */
export async function devCommand(argv: string[], io: ServeIo): Promise<number> {
  const note = (text: string) => io.stderr.write(`[skein dev] ${text}\n`);
  let project: string;
  try {
    const args = parseServeArgs(argv);
    if (args.help) {
      io.stdout.write(`${SERVE_USAGE}\n`);
      return EXIT.ok;
    }
    if (args.host !== undefined && !isLoopback(args.host))
      throw new UsageError(
        `skein dev serves loopback only (no API keys); use skein serve for --host ${args.host}.`,
      );
    project = path.resolve(io.cwd, args.project ?? ".");
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`error [${error.code}]: ${error.message}\n\n${SERVE_USAGE}\n`);
    return EXIT.usage;
  }
  const configFiles = CONFIG_FILE_NAMES.map((name) => path.join(project, name));

  let child: ChildProcess | undefined;
  let stopping = false;
  let everReady = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let finish!: (code: number) => void;
  const finished = new Promise<number>((resolve) => {
    finish = resolve;
  });

  const start = () => {
    const server = spawn(process.execPath, [...process.execArgv, mainFile, "serve", ...argv, "--dev"], {
      cwd: io.cwd,
      env: { ...io.env, [DEV_CHILD_ENV]: "1" },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    server.stdout!.pipe(io.stdout, { end: false });
    server.stderr!.pipe(io.stderr, { end: false });
    server.on("message", (message: DevReadyMessage) => {
      if (message?.type !== "ready") return;
      everReady = true;
      watcher.add(message.files);
      server.send({ type: "watching" } satisfies DevWatchingMessage);
      // Saved while the server was loading: the server may hold the old version.
      const missed = changedSinceLoad(message);
      if (missed.length > 0) changed(missed[0]!);
    });
    server.once("exit", (code, signal) => {
      if (child !== server || stopping) return;
      child = undefined;
      if (!everReady && !configFiles.some((file) => existsSync(file))) return finish(code ?? EXIT.runFailed);
      note(`the server exited (${signal ?? `code ${code}`}); waiting for a change to restart it`);
    });
    child = server;
  };

  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running) return;
    const kill = setTimeout(() => running.kill("SIGKILL"), stopGraceMs);
    running.kill("SIGTERM");
    await exited(running);
    clearTimeout(kill);
  };

  // Restarts run one after another: a change during a restart queues another one.
  let restarts = Promise.resolve();
  const restart = (file: string) => {
    restarts = restarts.then(async () => {
      if (stopping) return;
      note(`${path.relative(project, file) || file} changed: restarting`);
      await stop();
      if (!stopping) start();
    });
  };

  const changed = (file: string) => {
    if (stopping) return;
    clearTimeout(timer);
    timer = setTimeout(() => restart(file), settleMs);
  };
  const watcher = new FileWatcher(changed);
  watcher.add(configFiles); // also a config that does not exist yet or fails to load

  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    clearTimeout(timer);
    watcher.close();
    await restarts;
    await stop();
    finish(EXIT.ok);
  };
  process.once("SIGINT", () => void shutdown());
  process.once("SIGTERM", () => void shutdown());

  start();
  const code = await finished;
  watcher.close();
  return code;
}
