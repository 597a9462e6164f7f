// The one place the CLI imports @skein/runtime from (as core-imports.ts does for @skein/core).
export {
  CONFIG_FILE_NAMES,
  ConfigError,
  createApiKey,
  createLogger,
  DevModeNotLoopbackError,
  defaultDataDir,
  isLoopback,
  loadConfig,
  openSqliteStore,
  type RunningServer,
  type SkeinConfig,
  type StartServerOptions,
  startServer,
} from "@skein/runtime";
