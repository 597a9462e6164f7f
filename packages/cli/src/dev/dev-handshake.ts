import { statSync } from "node:fs";

/** What `skein dev`'s server child sends its supervisor once it listens. */
export interface DevReadyMessage {
  type: "ready";
  url: string;
  /** The files the server loaded (config, agents, their local imports): a change to any restarts it. */
  files: string[];
  /** When the child started loading them (ms since the epoch): a file changed after this may not be in the server. */
  loadingSince: number;
}

/** The supervisor's answer: it watches the files now. */
export interface DevWatchingMessage {
  type: "watching";
}

/** How long the child waits for the answer before going on without it (a supervisor that never answers). */
const ANSWER_TIMEOUT_MS = 2000;

/**
 * In the server child: reports `ready` and waits until the supervisor watches the files, so that once the child
 * says it listens, an edit is never missed (the banner used to beat the IPC message, and a save right after it went
 * unseen).
 */
export function reportReady(message: DevReadyMessage): Promise<void> {
  if (!process.send) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      process.off("message", onMessage);
      resolve();
    };
    const onMessage = (answer: unknown) => {
      if ((answer as DevWatchingMessage | undefined)?.type === "watching") done();
    };
    const timer = setTimeout(done, ANSWER_TIMEOUT_MS);
    process.on("message", onMessage);
    process.send!(message);
  });
}

/** In the supervisor: the reported files that changed since the child began loading them (their edit was missed). */
export function changedSinceLoad(message: DevReadyMessage): string[] {
  const now = Date.now();
  return message.files.filter((file) => {
    try {
      const { mtimeMs } = statSync(file);
      // A time in the future (a skewed clock, an unpacked archive) would restart the server at every start.
      return mtimeMs > message.loadingSince && mtimeMs <= now;
    } catch {
      return true; // gone since: the server holds a file that no longer exists
    }
  });
}
