/**
 * Runs the mock model server in its own process, as a remote model would be: its CPU work never shares the
 * event loop of the framework being measured.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type { ServerStats } from "./mock-server.ts";

export interface MockProcess {
  origin: string;
  stats(): Promise<ServerStats>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

const script = fileURLToPath(new URL("./mock-server.ts", import.meta.url));

export async function spawnMockServer(): Promise<MockProcess> {
  const child: ChildProcess = spawn(process.execPath, [script], {
    stdio: ["pipe", "pipe", "inherit"],
    env: { ...process.env, NODE_ENV: "production" },
  });
  const origin = await new Promise<string>((resolve, reject) => {
    let buffered = "";
    child.stdout!.on("data", (data: Buffer) => {
      buffered += data.toString();
      const line = buffered.split("\n")[0];
      if (buffered.includes("\n") && line) resolve(JSON.parse(line).url);
    });
    child.once("exit", (code) => reject(new Error(`mock server exited with ${code} before listening`)));
  });
  return {
    origin,
    stats: async () => (await fetch(`${origin}/__stats`)).json() as Promise<ServerStats>,
    reset: async () => {
      await (await fetch(`${origin}/__reset`)).arrayBuffer();
    },
    close: async () => {
      if (child.exitCode !== null) return;
      child.stdin!.end();
      await once(child, "exit");
    },
  };
}
