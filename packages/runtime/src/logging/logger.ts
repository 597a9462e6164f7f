import { type DestinationStream, type LevelWithSilent, type Logger, pino } from "pino";

/**
 * Fields that may carry secrets, at any of the first three levels of a log object: API keys (ours and model
 * providers'), Authorization and cookie headers. Routes never log headers or bodies; this is the safety net.
 */
const secretFields = [
  "authorization",
  "cookie",
  '"x-api-key"',
  "apiKey",
  "api_key",
  "password",
  "secret",
  "token",
];

export const REDACT_PATHS: readonly string[] = secretFields.flatMap((field) => [
  field,
  `*.${field}`,
  `*.*.${field}`,
]);

export const REDACTED = "[redacted]";

export interface LoggerOptions {
  /** Default `info` (or `$SKEIN_LOG_LEVEL`). */
  level?: LevelWithSilent;
  /** Default stdout. */
  destination?: DestinationStream;
}

/** The runtime's pino logger: JSON lines with secret fields redacted. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? (process.env.SKEIN_LOG_LEVEL as LevelWithSilent | undefined) ?? "info";
  return pino(
    { name: "skein", level, redact: { paths: [...REDACT_PATHS], censor: REDACTED } },
    options.destination,
  );
}
