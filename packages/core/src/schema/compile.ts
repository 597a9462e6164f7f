import type { StandardSchemaV1 } from "@standard-schema/spec";
import { createJsonSchemaValidator, type JsonSchemaValidatorOptions } from "./json-schema-validator.ts";
import type { CompiledSchema, SchemaInput, SchemaIssue, ValidationResult } from "./schema.ts";
import { isStandardSchema, type JsonSchemaConverter, toJsonSchema } from "./to-json-schema.ts";

export interface CompileSchemaOptions extends JsonSchemaValidatorOptions {
  /**
   * Converts a Standard Schema that cannot describe itself as JSON Schema (for example a plain valibot schema:
   * `{ converter: (s) => toJsonSchema(s) }` with `toJsonSchema` from `@valibot/to-json-schema`).
   */
  converter?: JsonSchemaConverter;
  /** The schema describes a tool's input: the root must be an object schema. Default false. */
  objectRoot?: boolean;
}

/**
 * Compiles a schema once: converts it to JSON Schema (what a model sees) and prepares its validator.
 * Standard Schemas (zod, valibot, arktype) validate with their own library, so transforms and defaults apply;
 * plain JSON Schemas validate with a draft 2020-12 validator.
 * Throws `SchemaConversionError` when the schema cannot be expressed as JSON Schema.
 */
export function compileSchema<T = unknown>(
  schema: SchemaInput<T>,
  options: CompileSchemaOptions = {},
): CompiledSchema<T> {
  const jsonSchema = toJsonSchema(schema, { converter: options.converter, objectRoot: options.objectRoot });
  if (isStandardSchema(schema)) {
    const standard = schema as StandardSchemaV1<unknown, T>;
    return { jsonSchema, validate: (value) => validateStandard(standard, value) };
  }
  // Validate against what the model was shown, so the model and the validator never disagree.
  return { jsonSchema, validate: createJsonSchemaValidator<T>(jsonSchema, options) };
}

/** `compileSchema` for a tool's input: the root must be an object (`type: "object"` is filled in). */
export const compileToolInputSchema = <T = unknown>(
  schema: SchemaInput<T>,
  options: Omit<CompileSchemaOptions, "objectRoot"> = {},
): CompiledSchema<T> => compileSchema(schema, { ...options, objectRoot: true });

function validateStandard<T>(
  schema: StandardSchemaV1<unknown, T>,
  value: unknown,
): ValidationResult<T> | Promise<ValidationResult<T>> {
  const result = schema["~standard"].validate(value);
  return isPromiseLike(result) ? Promise.resolve(result).then(toResult) : toResult(result);
}

function toResult<T>(result: StandardSchemaV1.Result<T>): ValidationResult<T> {
  if (!result.issues) return { ok: true, value: result.value };
  return { ok: false, issues: result.issues.map(toIssue) };
}

function toIssue(issue: StandardSchemaV1.Issue): SchemaIssue {
  const segments = (issue.path ?? []).map((segment) =>
    typeof segment === "object" && segment !== null ? segment.key : segment,
  );
  const path = segments.map((key) => `/${String(key).replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");
  return { path, message: issue.message };
}

const isPromiseLike = <V>(value: V | PromiseLike<V>): value is PromiseLike<V> =>
  typeof (value as { then?: unknown }).then === "function";
