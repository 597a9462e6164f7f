import { SkeinError } from "./core-imports.ts";

/** Bad command-line usage: unknown flag, missing value, unknown command. Exit code 2. */
export class UsageError extends SkeinError {
  constructor(message: string) {
    super("usage_error", message);
  }
}

/** The agent file or folder could not be found, imported, or holds no Agent. Exit code 2. */
export class AgentLoadError extends SkeinError {
  constructor(
    code: "agent_not_found" | "agent_import_failed" | "agent_invalid",
    message: string,
    cause?: unknown,
  ) {
    super(code, message, { cause });
  }
}

/** Exit codes: 0 done, 1 the run ended in an error, 2 usage or configuration error, 130 cancelled (Ctrl-C). */
export const EXIT = { ok: 0, runFailed: 1, usage: 2, cancelled: 130 } as const;
