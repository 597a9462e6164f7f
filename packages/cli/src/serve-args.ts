import { parseArgs } from "node:util";
import { UsageError } from "./errors.ts";

export const SERVE_USAGE = `Usage: skein serve [project] [options]
       skein dev [project] [options]

  project               Folder holding skein.config.ts (default: the current folder)

serve: production settings. Every request needs an API key (skein keys create --tenant T).
dev:   dev mode on loopback: no API keys (requests act as tenant "dev", with a warning), and the server
       restarts when the config or an agent file it loaded changes.

Options:
  --port <n>            Port (default 8080, AgentCore's; 0 picks a free one; or settings.port in the config)
  --host <address>      Address to bind (default 127.0.0.1: loopback only). Use --host 0.0.0.0 to accept
                        connections from other machines (containers); dev mode refuses non-loopback addresses
  --dev                 serve: dev mode without API keys (loopback only), without reload
  --data-dir <dir>      Where the SQLite database lives (env SKEIN_DATA_DIR; default .skein in the project)
  --model <name>        Default model of agents that name none (env SKEIN_MODEL)
  --base-url <url>      Any OpenAI-compatible server (env SKEIN_BASE_URL; key in SKEIN_API_KEY)
  --region <region>     Qwen on Alibaba Cloud Model Studio (env DASHSCOPE_API_KEY, DASHSCOPE_REGION)
  -h, --help            Show this help

Without a model the server still starts; its banner and each agent's description say which variables to set,
and invoking such an agent answers 503 model_not_configured. Logs are JSON lines on stdout (SKEIN_LOG_LEVEL);
the banner goes to stderr.`;

export const KEYS_USAGE = `Usage: skein keys create --tenant <tenant> [--name <name>]
       skein keys list --tenant <tenant> [--json]
       skein keys revoke <key-id>

  create   Creates an API key for the tenant (and the tenant when new). The key is printed once, on stdout;
           only its SHA-256 hash is stored.
  list     The tenant's keys: id, name, created, revoked.
  revoke   Revokes a key by its id (the 16 hex digits after sk-skein-).

Options:
  --data-dir <dir>      Where the SQLite database lives (env SKEIN_DATA_DIR; default .skein here)
  -h, --help            Show this help`;

export interface ServeArgs {
  project?: string;
  port?: number;
  host?: string;
  dev: boolean;
  dataDir?: string;
  model?: string;
  baseUrl?: string;
  region?: string;
  help: boolean;
}

const usageError = (error: unknown) => new UsageError(error instanceof Error ? error.message : String(error));

export function parseServeArgs(argv: string[]): ServeArgs {
  let parsed: ReturnType<typeof parseServe>;
  try {
    parsed = parseServe(argv);
  } catch (error) {
    throw usageError(error);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1)
    throw new UsageError(`Expected at most one project folder, got ${positionals.length}.`);
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!/^\d{1,5}$/.test(values.port) || port > 65535)
      throw new UsageError(`--port must be a number from 0 to 65535, got "${values.port}".`);
  }
  return {
    project: positionals[0],
    port,
    host: values.host,
    dev: values.dev,
    dataDir: values["data-dir"],
    model: values.model,
    baseUrl: values["base-url"],
    region: values.region,
    help: values.help,
  };
}

const parseServe = (args: string[]) =>
  parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      dev: { type: "boolean", default: false },
      "data-dir": { type: "string" },
      model: { type: "string" },
      "base-url": { type: "string" },
      region: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });

export type KeysArgs =
  | { action: "help" }
  | { action: "create"; tenant: string; name?: string; dataDir?: string }
  | { action: "list"; tenant: string; json: boolean; dataDir?: string }
  | { action: "revoke"; id: string; dataDir?: string };

const tenantPattern = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

export function parseKeysArgs(argv: string[]): KeysArgs {
  let parsed: ReturnType<typeof parseKeys>;
  try {
    parsed = parseKeys(argv);
  } catch (error) {
    throw usageError(error);
  }
  const { values, positionals } = parsed;
  const [action, ...rest] = positionals;
  if (values.help || action === undefined || action === "help") return { action: "help" };
  const dataDir = values["data-dir"];
  const needTenant = () => {
    if (values.tenant === undefined) throw new UsageError(`skein keys ${action} needs --tenant <tenant>.`);
    if (!tenantPattern.test(values.tenant))
      throw new UsageError(
        "--tenant must be 1-64 letters, digits, _ . : - (starting with a letter or digit).",
      );
    return values.tenant;
  };
  const noMore = () => {
    if (rest.length > 0) throw new UsageError(`Unexpected argument "${rest[0]}".`);
  };
  switch (action) {
    case "create":
      noMore();
      return { action, tenant: needTenant(), name: values.name, dataDir };
    case "list":
      noMore();
      return { action, tenant: needTenant(), json: values.json, dataDir };
    case "revoke": {
      const [id, ...extra] = rest;
      if (id === undefined || extra.length > 0) throw new UsageError("skein keys revoke needs one key id.");
      return { action, id: id.replace(/^sk-skein-/, "").split("_")[0]!, dataDir };
    }
    default:
      throw new UsageError(`Unknown keys action "${action}": create, list or revoke.`);
  }
}

const parseKeys = (args: string[]) =>
  parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      tenant: { type: "string" },
      name: { type: "string" },
      json: { type: "boolean", default: false },
      "data-dir": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
