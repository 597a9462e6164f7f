export { type AgentDescription, AgentRegistry, type HostedAgent } from "./agents/registry.ts";
export {
  CONFIG_FILE_NAMES,
  ConfigError,
  defineConfig,
  loadConfig,
  type SkeinConfig,
} from "./config/config.ts";
export { type CreateAppOptions, createApp, type RuntimeAppHandle } from "./http/app.ts";
export { HttpError, type Problem, problem, problemType } from "./http/problem.ts";
export { AGENT_HEADER, AGENTCORE_SESSION_HEADER } from "./http/routes/agentcore.ts";
export {
  API_KEY_PREFIX,
  apiKeyId,
  type CreatedApiKey,
  createApiKey,
  hashApiKey,
  revokeApiKey,
  verifyApiKey,
} from "./keys/api-keys.ts";
export { sessionHistory } from "./runs/history.ts";
export { RunManager } from "./runs/run-manager.ts";
export {
  DevModeNotLoopbackError,
  defaultDataDir,
  isLoopback,
  type RunningServer,
  type StartServerOptions,
  startServer,
} from "./server.ts";
export { defaultSessionLimits, type SessionLimits } from "./sessions/session-limits.ts";
export * from "./store/errors.ts";
export { migrate, migrations } from "./store/sqlite/migrations.ts";
export { openSqliteStore, SqliteStore, type SqliteStoreOptions } from "./store/sqlite/sqlite-store.ts";
export * from "./store/store.ts";
