import { mkdirSync } from "node:fs";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { serve } from "@hono/node-server";
import { type Model, SkeinError } from "@skein/core";
import { openSqliteMemoryStore, vectorIndexFor } from "@skein/memory";
import type { Logger } from "pino";
import type { HostedAgent } from "./agents/registry.ts";
import { type CreateAppOptions, createApp, type RuntimeAppHandle } from "./http/app.ts";
import { createLogger } from "./logging/logger.ts";
import { embeddingsFromEnv, type MemoryConfig, type MemoryMount } from "./memory/memory-config.ts";
import type { RecoveryReport } from "./runs/run-manager.ts";
import { openSqliteStore } from "./store/sqlite/sqlite-store.ts";
import type { Store } from "./store/store.ts";
import { openServerTelemetry } from "./telemetry/runtime-telemetry.ts";

export interface StartServerOptions {
  agents: readonly HostedAgent[];
  /** Default 8080 (AgentCore's container port); 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1 in dev mode, 0.0.0.0 otherwise. */
  host?: string;
  /** Requests without a key act as tenant `dev`. Refused unless `host` is a loopback address. */
  dev?: boolean;
  /** Where the SQLite database lives (default `$SKEIN_DATA_DIR` or `.skein` in the working directory). */
  dataDir?: string;
  /** Use this store instead of opening `<dataDir>/skein.db`; the server then does not close it. */
  store?: Store;
  defaultModel?: Model;
  modelHint?: string;
  logger?: Logger;
  /** How often expired sessions are swept (default 60 s). */
  expirySweepMs?: number;
  /**
   * On close, how long runs in flight get to commit their current step before they are suspended where they are
   * (default 10 s). Suspended runs resume when a server starts on the same store.
   */
  shutdownGraceMs?: number;
  /**
   * Long-term memory (`memory` of `skein.config.ts`): its store is `<dataDir>/memory.db`, a file of its own (see
   * the README), or in memory when the server was given a store and no data directory.
   */
  memory?: MemoryConfig;
  app?: Omit<
    CreateAppOptions,
    "store" | "agents" | "defaultModel" | "modelHint" | "logger" | "auth" | "memory"
  >;
}

export interface RunningServer {
  /** e.g. `http://127.0.0.1:8080`. */
  url: string;
  host: string;
  port: number;
  store: Store;
  handle: RuntimeAppHandle;
  /** What the start found of runs a previous process left in flight. */
  recovery: RecoveryReport;
  /**
   * Graceful shutdown: stop accepting, let each run in flight commit its current step and suspend it (a restart
   * resumes it), bounded by `shutdownGraceMs`, then close the store.
   */
  close(): Promise<void>;
}

export class DevModeNotLoopbackError extends SkeinError {
  constructor(host: string) {
    super(
      "dev_mode_not_loopback",
      `dev mode (no API keys) is only allowed on a loopback address, not ${host}`,
    );
  }
}

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function defaultDataDir(cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(cwd, env.SKEIN_DATA_DIR || ".skein");
}

/** Starts the runtime on Node: `skein serve` and `skein dev` call this. */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const dev = options.dev ?? false;
  const host = options.host ?? (dev ? "127.0.0.1" : "0.0.0.0");
  if (dev && !isLoopback(host)) throw new DevModeNotLoopbackError(host);
  const logger = options.logger ?? createLogger();
  let store = options.store;
  const ownsStore = store === undefined;
  if (!store) {
    const dataDir = options.dataDir ?? defaultDataDir();
    mkdirSync(dataDir, { recursive: true });
    store = openSqliteStore({ path: path.join(dataDir, "skein.db") });
  }
  if (dev) {
    await store.ensureTenant({ id: "dev", name: "dev mode" });
    logger.warn(
      "DEV MODE: API keys are not required; requests without a key act as tenant 'dev'. Loopback only.",
    );
  }
  const dataDir = ownsStore ? (options.dataDir ?? defaultDataDir()) : options.dataDir;
  const telemetry = options.app?.telemetry ?? openServerTelemetry({ dataDir, logger });
  const memory = options.memory ? openMemory(options.memory, dataDir) : undefined;
  const handle = createApp({
    memory,
    ...options.app,
    telemetry,
    store,
    agents: options.agents,
    defaultModel: options.defaultModel,
    modelHint: options.modelHint,
    logger,
    auth: { dev },
  });

  // Before accepting requests: runs a previous process left in flight resume (or end with the reason).
  const recovery = await handle.runs.recover();

  const { server, address } = await new Promise<{ server: Server; address: AddressInfo }>(
    (resolve, reject) => {
      const server = serve(
        { fetch: handle.app.fetch, port: options.port ?? 8080, hostname: host },
        (address) => resolve({ server: server as Server, address }),
      ) as Server;
      server.once("error", reject);
    },
  );
  // On shutdown, a keep-alive connection is closed as soon as its response ends (streams end after their runs).
  let closingServer = false;
  server.on("request", (_request: IncomingMessage, response: ServerResponse) => {
    const socket = response.socket; // detached from the response once it finishes
    response.once("finish", () => {
      if (closingServer) setImmediate(() => socket?.end());
    });
  });
  // What no answer needs (the OpenTelemetry SDK, prom-client) loads once the first response is out, delaying
  // neither the start nor that response; a run that comes before waits for it.
  server.once("request", (_request: IncomingMessage, response: ServerResponse) => {
    response.once("close", () => void telemetry.warmUp()); // sent, or the client went away
  });
  const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${urlHost}:${address.port}`;

  const sweep = setInterval(() => {
    handle
      .expireSessions()
      .then((expired) => expired.length > 0 && logger.info({ count: expired.length }, "sessions expired"))
      .catch((error: unknown) => logger.error({ err: error }, "session expiry sweep failed"));
  }, options.expirySweepMs ?? 60_000);
  sweep.unref();

  const agents = handle.services.agents;
  const withoutModel = agents
    .list()
    .filter((a) => !agents.modelFor(a))
    .map((a) => a.name);
  logger.info({ url, agents: agents.list().map((a) => a.name), dev }, `Skein runtime listening on ${url}`);
  if (withoutModel.length > 0) logger.warn({ agents: withoutModel }, agents.modelHint);

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      clearInterval(sweep);
      closingServer = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await handle.runs.shutdown({ graceMs: options.shutdownGraceMs });
      // Streams of ended runs finish on their own; keep-alive connections they leave are idle now. Anything still
      // open after a grace period is cut.
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), 2000);
      await closed;
      clearTimeout(timer);
      if (!options.app?.telemetry) await telemetry.close();
      await handle.memory?.close();
      await memory?.store.close();
      if (ownsStore) await store.close();
    })();
    return closing;
  };
  return { url, host, port: address.port, store, handle, recovery, close };
}

/** Opens the memory store of `config` (its own SQLite file next to skein.db) with the embedding model's index. */
function openMemory(config: MemoryConfig, dataDir: string | undefined): MemoryMount {
  const embeddings = config.embeddings === false ? undefined : (config.embeddings ?? embeddingsFromEnv());
  const file = config.path ?? (dataDir ? path.join(dataDir, "memory.db") : ":memory:");
  if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true });
  const store = openSqliteMemoryStore({ path: file, vectors: embeddings && vectorIndexFor(embeddings) });
  const { path: _path, embeddings: _embeddings, ...rest } = config;
  return { ...rest, store, embeddings };
}
