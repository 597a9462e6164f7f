import { SkeinError } from "../errors/errors.ts";
import { formatIssues } from "./format-issues.ts";
import type { SchemaIssue } from "./schema.ts";

/** A schema could not be turned into the JSON Schema a model is shown. */
export class SchemaConversionError extends SkeinError {
  /** The Standard Schema vendor (`zod`, `valibot`, `arktype`, ...), when the input was a Standard Schema. */
  readonly vendor?: string;
  constructor(message: string, options: { vendor?: string; cause?: unknown } = {}) {
    super("schema_conversion_failed", message, { cause: options.cause });
    this.vendor = options.vendor;
  }
}

/** A value did not match its schema; `issues` say where and why. */
export class SchemaValidationError extends SkeinError {
  readonly issues: SchemaIssue[];
  constructor(issues: SchemaIssue[], message?: string) {
    super("schema_validation_failed", message ?? `Invalid value: ${formatIssues(issues)}`);
    this.issues = issues;
  }
}
