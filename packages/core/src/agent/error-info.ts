import { SkeinError } from "../errors/errors.ts";
import type { ErrorInfo } from "./events.ts";

export const errorInfo = (error: unknown, fallbackCode = "internal_error"): ErrorInfo =>
  error instanceof SkeinError
    ? { code: error.code, message: error.message }
    : { code: fallbackCode, message: error instanceof Error ? error.message : String(error) };

export const asSkeinError = (error: unknown): SkeinError =>
  error instanceof SkeinError
    ? error
    : new SkeinError("internal_error", error instanceof Error ? error.message : String(error), {
        cause: error,
      });
