import { stat } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { type Model, SkeinError } from "@skein/core";
import type { HostedAgent } from "../agents/registry.ts";
import type { RateLimit } from "../limits/token-bucket.ts";
import type { MemoryConfig } from "../memory/memory-config.ts";
import type { SessionLimits } from "../sessions/session-limits.ts";

/** A project's `skein.config.ts`: `export default defineConfig({ agents: [...] })`. */
export interface SkeinConfig {
  agents: HostedAgent[];
  /** Model for agents that name none; otherwise the CLI resolves one from the environment. */
  defaultModel?: Model;
  /**
   * Long-term memory: which agents use it (`agents: { "my-agent": { strategies, namespace, budgetTokens,
   * extractEveryTurns } }`), the embedding model and where the store lives. Mounts `/v1/memory`.
   */
  memory?: MemoryConfig;
  settings?: {
    port?: number;
    host?: string;
    dataDir?: string;
    sessions?: Partial<SessionLimits>;
    maxBodyBytes?: number;
    /** Per API key (default 120 at once, 20 per second); `false` turns it off. */
    rateLimit?: RateLimit | false;
    /** Runs in flight per tenant (default 64). */
    maxRunsPerTenant?: number;
    /** SSE heartbeat interval in ms (default 15,000; 0 turns it off). */
    sseHeartbeatMs?: number;
  };
}

export const defineConfig = (config: SkeinConfig): SkeinConfig => config;

export const CONFIG_FILE_NAMES = [
  "skein.config.ts",
  "skein.config.mts",
  "skein.config.js",
  "skein.config.mjs",
];

export class ConfigError extends SkeinError {}

const isAgent = (value: unknown): value is HostedAgent =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as HostedAgent).name === "string" &&
  typeof (value as HostedAgent).stream === "function";

/** Finds `skein.config.*` in `dir` and imports it; throws `ConfigError` (code `config_not_found` / `config_invalid`). */
export async function loadConfig(dir: string = process.cwd()): Promise<SkeinConfig & { file: string }> {
  let file: string | undefined;
  for (const name of CONFIG_FILE_NAMES) {
    const candidate = path.resolve(dir, name);
    if (
      await stat(candidate).then(
        (s) => s.isFile(),
        () => false,
      )
    ) {
      file = candidate;
      break;
    }
  }
  if (!file) throw new ConfigError("config_not_found", `no ${CONFIG_FILE_NAMES[0]} in ${path.resolve(dir)}`);
  const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  const config = module.default as Partial<SkeinConfig> | undefined;
  if (!config || !Array.isArray(config.agents) || !config.agents.every(isAgent))
    throw new ConfigError("config_invalid", `${file} must export default { agents: [Agent, ...] }`);
  const names = new Set(config.agents.map((a) => a.name));
  for (const name of Object.keys(config.memory?.agents ?? {}))
    if (!names.has(name))
      throw new ConfigError(
        "config_invalid",
        `${file}: memory.agents names "${name}", which is not an agent here`,
      );
  return { ...(config as SkeinConfig), file };
}
