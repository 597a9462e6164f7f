import { flushCompileCache } from "node:module";
import path from "node:path";
import { aliasBundledModules } from "../bundle/aliases.ts";
import { createModel, NOT_CONFIGURED_MESSAGE, resolveModelConfig } from "../config/resolve-model.ts";
import { type Model, ModelNotConfiguredError, SkeinError } from "../core-imports.ts";
import { reportReady } from "../dev/dev-handshake.ts";
import { trackLoadedFiles } from "../dev/loaded-files.ts";
import { EXIT, UsageError } from "../errors.ts";
import {
  ConfigError,
  createLogger,
  DevModeNotLoopbackError,
  defaultDataDir,
  loadConfig,
  type RunningServer,
  type SkeinConfig,
  startServer,
} from "../runtime-imports.ts";
import { parseServeArgs, SERVE_USAGE, type ServeArgs } from "../serve-args.ts";

/** Set by `skein dev` on the server it supervises: report loaded files, stop on SIGTERM only. */
export const DEV_CHILD_ENV = "SKEIN_DEV_RELOAD";

export interface ServeIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export const NO_MODEL_MESSAGE = [
  "No model configured: agents that name none answer 503 model_not_configured. Set, then restart:",
  "  - SKEIN_BASE_URL and SKEIN_MODEL (and SKEIN_API_KEY if it needs one) for any OpenAI-compatible server, or",
  "  - DASHSCOPE_API_KEY for Qwen on Alibaba Cloud Model Studio (optionally DASHSCOPE_REGION, and SKEIN_MODEL",
  "    to change the default qwen-plus).",
].join("\n");

interface DefaultModel {
  model?: Model;
  /** Why there is none: said in the banner, the agents' descriptions and 503 answers. */
  hint?: string;
}

/** Flags win, then the config's `defaultModel`, then the environment (as `skein chat`). */
function defaultModel(args: ServeArgs, config: SkeinConfig, env: NodeJS.ProcessEnv): DefaultModel {
  const flags = { model: args.model, baseUrl: args.baseUrl, region: args.region };
  if (config.defaultModel && !args.model && !args.baseUrl) return { model: config.defaultModel };
  try {
    return { model: createModel(resolveModelConfig(flags, env)) };
  } catch (error) {
    if (!(error instanceof ModelNotConfiguredError)) throw error;
    // The full message is for the banner; the agents' descriptions get the registry's one-line hint.
    return { hint: error.message === NOT_CONFIGURED_MESSAGE ? undefined : error.message };
  }
}

function banner(
  server: RunningServer,
  options: { dev: boolean; dataDir: string; model: DefaultModel; keys: number },
) {
  const agents = server.handle.services.agents;
  const lines = [`Skein runtime listening on ${server.url}${options.dev ? " (dev mode)" : ""}`];
  for (const agent of agents.list()) {
    const model = agents.modelFor(agent);
    lines.push(
      `  agent  ${agent.name}: ${model ? `${model.id} (${model.provider})` : "no model (see below)"}`,
    );
  }
  if (agents.list().length === 0) lines.push("  no agents: export some from skein.config.ts");
  lines.push(`  data   ${options.dataDir}`, `  api    ${server.url}/v1/openapi.json`);
  if (agents.list().some((a) => !agents.modelFor(a))) lines.push("", options.model.hint ?? NO_MODEL_MESSAGE);
  if (options.dev)
    lines.push(
      "",
      'WARNING: DEV MODE. No API keys needed: every request without one acts as tenant "dev".',
      "         Loopback only; use `skein serve` for anything reachable by others.",
    );
  else if (options.keys === 0)
    lines.push(
      "",
      "No API keys yet: create one with `skein keys create --tenant <name>` (every request needs one).",
    );
  return `${lines.join("\n")}\n`;
}

async function countKeys(server: RunningServer): Promise<number> {
  let count = 0;
  for (const tenant of await server.store.listTenants())
    count += (await server.store.listApiKeys(tenant.id)).filter((k) => k.revokedAt === undefined).length;
  return count;
}

/** Resolves with the signal once SIGINT or SIGTERM arrives (under `skein dev`: SIGTERM or a lost supervisor). */
function shutdownRequested(devChild: boolean): Promise<string> {
  return new Promise((resolve) => {
    const stop = (reason: string) => () => resolve(reason);
    process.on("SIGTERM", stop("SIGTERM")); // repeated SIGTERMs (a process group, a supervisor) change nothing
    if (devChild) {
      // Ctrl-C reaches the whole process group; the supervisor decides and sends SIGTERM.
      process.on("SIGINT", () => {});
      process.once("disconnect", stop("supervisor gone"));
    } else {
      process.once("SIGINT", () => {
        resolve("SIGINT");
        process.once("SIGINT", () => process.exit(EXIT.cancelled)); // a second Ctrl-C does not wait
      });
    }
  });
}

/** `skein serve` (and the server child of `skein dev`): runs until SIGINT/SIGTERM, then shuts down gracefully. */
export async function serveCommand(argv: string[], io: ServeIo): Promise<number> {
  const devChild = io.env[DEV_CHILD_ENV] === "1";
  const loadingSince = Date.now();
  const loaded = devChild ? trackLoadedFiles() : undefined;
  const fail = (error: unknown, code: number = EXIT.usage) => {
    const tag = error instanceof SkeinError ? ` [${error.code}]` : "";
    io.stderr.write(`error${tag}: ${error instanceof Error ? error.message : String(error)}\n`);
    return code;
  };
  let args: ServeArgs;
  try {
    args = parseServeArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return fail(`${error.message}\n\n${SERVE_USAGE}`);
  }
  if (args.help) {
    io.stdout.write(`${SERVE_USAGE}\n`);
    return EXIT.ok;
  }
  const project = path.resolve(io.cwd, args.project ?? ".");
  let config: SkeinConfig & { file: string };
  let model: DefaultModel;
  try {
    aliasBundledModules();
    config = await loadConfig(project);
    model = defaultModel(args, config, io.env);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof SkeinError) return fail(error);
    return fail(new Error(`could not load the config in ${project}: ${(error as Error).message ?? error}`));
  }
  const settings = config.settings ?? {};
  const dataDir =
    args.dataDir !== undefined || io.env.SKEIN_DATA_DIR || settings.dataDir === undefined
      ? defaultDataDir(project, { SKEIN_DATA_DIR: args.dataDir ?? io.env.SKEIN_DATA_DIR })
      : path.resolve(project, settings.dataDir);
  let server: RunningServer;
  try {
    server = await startServer({
      agents: config.agents,
      port: args.port ?? settings.port ?? 8080,
      host: args.host ?? settings.host ?? "127.0.0.1",
      dev: args.dev,
      dataDir,
      defaultModel: model.model,
      modelHint: model.hint,
      memory: config.memory,
      logger: createLogger({ destination: io.stdout }),
      app: {
        limits: settings.sessions,
        maxBodyBytes: settings.maxBodyBytes,
        rateLimit: settings.rateLimit,
        maxRunsPerTenant: settings.maxRunsPerTenant,
        sseHeartbeatMs: settings.sseHeartbeatMs,
      },
    });
  } catch (error) {
    if (error instanceof DevModeNotLoopbackError) return fail(error);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL")
      return fail(
        new Error(`cannot listen: ${(error as Error).message} (choose another --port or --host)`),
        1,
      );
    throw error;
  }
  const stopped = shutdownRequested(devChild);
  // Under `skein dev`: the supervisor watches the loaded files before the banner says the server listens.
  if (devChild)
    await reportReady({
      type: "ready",
      url: server.url,
      files: [...(loaded ?? []), config.file],
      loadingSince,
    });
  io.stderr.write(
    banner(server, { dev: args.dev, dataDir, model, keys: args.dev ? 0 : await countKeys(server) }),
  );
  // The compile cache (main.ts) is written at exit; a server that is killed never exits, so write it now.
  flushCompileCache();
  const reason = await stopped;
  io.stderr.write(`Shutting down (${reason}): letting runs in flight commit their end...\n`);
  await server.close();
  io.stderr.write("Stopped.\n");
  if (devChild) process.disconnect?.(); // the IPC channel would keep this process alive
  // Something an agent opened (an MCP server, a timer) must not keep a stopped server's process alive.
  setTimeout(() => process.exit(), 2000).unref();
  return EXIT.ok;
}
