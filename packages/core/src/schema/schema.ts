import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { JsonSchema } from "../model/model.ts";

export interface SchemaIssue {
  /** JSON Pointer-like path to the offending value, "" for the root. */
  path: string;
  message: string;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; issues: SchemaIssue[] };

/** A schema ready for the hot path: converted to JSON Schema once, validated many times. */
export interface CompiledSchema<T = unknown> {
  readonly jsonSchema: JsonSchema;
  validate(value: unknown): ValidationResult<T> | Promise<ValidationResult<T>>;
}

/** What a tool's `input` or an agent's `output` may be: any Standard Schema (zod, valibot, arktype) or a plain JSON Schema. */
export type SchemaInput<T = unknown> = StandardSchemaV1<unknown, T> | JsonSchema;

export type InferSchema<S> = S extends StandardSchemaV1<unknown, infer O> ? O : unknown;
