// PLACEHOLDER: replaced by the schema helper (Standard Schema + JSON Schema compilation and validation).
import type { CompiledSchema, SchemaInput } from "./schema.ts";

export function compileSchema<T = unknown>(schema: SchemaInput<T>): CompiledSchema<T> {
  return {
    jsonSchema: schema as Record<string, unknown>,
    validate: (value) => ({ ok: true, value: value as T }),
  };
}
