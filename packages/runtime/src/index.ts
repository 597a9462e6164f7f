export { type AgentDescription, AgentRegistry, type HostedAgent } from "./agents/registry.ts";
export {
  CONFIG_FILE_NAMES,
  ConfigError,
  defineConfig,
  loadConfig,
  type SkeinConfig,
} from "./config/config.ts";
export { type CreateAppOptions, createApp, type RuntimeAppHandle } from "./http/app.ts";
export { consoleStatic, defaultConsoleDir } from "./http/console-static.ts";
export { HttpError, type Problem, problem, problemType } from "./http/problem.ts";
export { AGENT_HEADER, AGENTCORE_SESSION_HEADER } from "./http/routes/agentcore.ts";
export { parseOnBusy } from "./http/routes/invoke.ts";
export {
  API_KEY_PREFIX,
  apiKeyId,
  type CreatedApiKey,
  createApiKey,
  hashApiKey,
  revokeApiKey,
  verifyApiKey,
} from "./keys/api-keys.ts";
export { DEFAULT_MAX_RUNS_PER_TENANT, TenantRunLimiter } from "./limits/tenant-run-limiter.ts";
export { defaultRateLimit, type RateLimit, TokenBuckets } from "./limits/token-bucket.ts";
export { createLogger, type LoggerOptions, REDACT_PATHS } from "./logging/logger.ts";
export { HostedMemory } from "./memory/hosted-memory.ts";
export {
  type AgentMemorySettings,
  BUILT_IN_STRATEGIES,
  type BuiltInStrategyName,
  EMBEDDING_ENV,
  embeddingsFromEnv,
  type MemoryConfig,
  type MemoryMount,
} from "./memory/memory-config.ts";
export { registerMemoryRoutes } from "./memory/memory-routes.ts";
export { durableTools, toolCallKey, toolStartKey } from "./runs/durable-tools.ts";
export { loadSessionHistory, sessionHistory } from "./runs/history.ts";
export { RunManager } from "./runs/run-manager.ts";
export type { OnBusy, RecoveryReport, ShutdownOptions } from "./runs/run-types.ts";
export {
  DevModeNotLoopbackError,
  defaultDataDir,
  isLoopback,
  type RunningServer,
  type StartServerOptions,
  startServer,
} from "./server.ts";
export {
  FORK_UNIT_EVENT_TYPES,
  type ForkPoint,
  lastUnitBoundary,
  resolveForkPoint,
} from "./sessions/fork-point.ts";
export { defaultSessionLimits, type SessionLimits } from "./sessions/session-limits.ts";
export * from "./store/errors.ts";
export { migrate, migrations } from "./store/sqlite/migrations.ts";
export { openSqliteStore, SqliteStore, type SqliteStoreOptions } from "./store/sqlite/sqlite-store.ts";
export * from "./store/store.ts";
export { RuntimeMetrics } from "./telemetry/metrics.ts";
export {
  openServerTelemetry,
  RuntimeTelemetry,
  type RuntimeTelemetryOptions,
  telemetryOptionsFromEnv,
} from "./telemetry/runtime-telemetry.ts";
export { registerTelemetryRoutes } from "./telemetry/telemetry-routes.ts";
export { TENANT_ATTRIBUTE } from "./telemetry/trace-recorder.ts";
export { defaultTraceRetention, type TraceRetention, TraceStore } from "./telemetry/trace-store.ts";
export { TracedRunManager } from "./telemetry/traced-run-manager.ts";
export { UsageLedger } from "./telemetry/usage-ledger.ts";

/**
 * The runtime's OpenAPI 3.1 document, as `GET /v1/openapi.json` serves it. Its modules (hundreds of zod schemas)
 * load on the first call, not with this package: a project importing `defineConfig` does not build them.
 */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  return (await import("./http/openapi/document.ts")).openApiDocument();
}
