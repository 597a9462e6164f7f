export { type CompileSchemaOptions, compileSchema, compileToolInputSchema } from "./compile.ts";
export { SchemaConversionError, SchemaValidationError } from "./errors.ts";
export { formatIssues } from "./format-issues.ts";
export { createJsonSchemaValidator, type JsonSchemaValidatorOptions } from "./json-schema-validator.ts";
export type { CompiledSchema, InferSchema, SchemaInput, SchemaIssue, ValidationResult } from "./schema.ts";
export {
  isStandardSchema,
  type JsonSchemaConverter,
  normalizeJsonSchema,
  type ToJsonSchemaOptions,
  toJsonSchema,
} from "./to-json-schema.ts";
