import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { JsonSchema } from "../model/model.ts";
import { SchemaConversionError } from "./errors.ts";

/** Turns a Standard Schema the library cannot describe itself (e.g. plain valibot) into JSON Schema. */
export type JsonSchemaConverter = (schema: StandardSchemaV1) => object;

export interface ToJsonSchemaOptions {
  /** Used instead of the schema's own conversion when given. */
  converter?: JsonSchemaConverter;
  /** The schema describes a tool's input: its root must be an object (`type: "object"` is added when missing). */
  objectRoot?: boolean;
}

// arktype's types are functions, so a Standard Schema may be a function as well as an object.
export const isStandardSchema = (value: unknown): value is StandardSchemaV1 =>
  (typeof value === "object" || typeof value === "function") &&
  value !== null &&
  typeof (value as { "~standard"?: { validate?: unknown } })["~standard"]?.validate === "function";

const TARGET = "draft-2020-12";

/** Converts any schema input to a normalised JSON Schema, once, at compile time. */
export function toJsonSchema(
  schema: StandardSchemaV1 | JsonSchema,
  options: ToJsonSchemaOptions = {},
): JsonSchema {
  const raw = isStandardSchema(schema) ? convertStandardSchema(schema, options.converter) : schema;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new SchemaConversionError(`A schema must be a JSON Schema object, got ${describe(raw)}`);
  return normalizeJsonSchema(raw, options.objectRoot ?? false);
}

function convertStandardSchema(schema: StandardSchemaV1, converter?: JsonSchemaConverter): JsonSchema {
  const props = schema["~standard"] as StandardSchemaV1.Props & {
    jsonSchema?: { input?: (options: { target: string }) => JsonSchema };
  };
  const vendor = String(props.vendor);
  const attempt = (what: string, convert: () => unknown): JsonSchema => {
    let result: unknown;
    try {
      result = convert();
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new SchemaConversionError(
        `${vendor} could not convert the schema to JSON Schema (${what}): ${reason}. ` +
          "Use types JSON can carry (strings for dates, no functions, maps or symbols), or pass a plain JSON Schema.",
        { vendor, cause },
      );
    }
    if (typeof result !== "object" || result === null)
      throw new SchemaConversionError(`${vendor}'s ${what} returned ${describe(result)}, not a JSON Schema`, {
        vendor,
      });
    return result as JsonSchema;
  };

  if (converter) return attempt("the converter passed in", () => converter(schema));
  // Standard JSON Schema (@standard-schema/spec 1.1): zod >= 4.2, arktype >= 2.1.28, valibot via toStandardJsonSchema.
  if (typeof props.jsonSchema?.input === "function") {
    const input = props.jsonSchema.input;
    return attempt("~standard.jsonSchema.input", () => input({ target: TARGET }));
  }
  // Older releases that predate the standard but have their own converter, found by shape (never imported here).
  const self = schema as unknown as Record<string, unknown>;
  if (vendor === "zod" && typeof self.toJSONSchema === "function") {
    const method = self.toJSONSchema as (params: unknown) => JsonSchema;
    return attempt("toJSONSchema", () => method.call(schema, { target: TARGET, io: "input" }));
  }
  if (vendor === "arktype" && typeof self.toJsonSchema === "function") {
    const method = self.toJsonSchema as () => JsonSchema;
    return attempt("toJsonSchema", () => method.call(schema));
  }
  throw new SchemaConversionError(missingConverterMessage(vendor), { vendor });
}

function missingConverterMessage(vendor: string): string {
  const head = `Cannot turn this ${vendor} schema into the JSON Schema a model needs: it has no JSON Schema conversion.`;
  if (vendor === "valibot")
    return (
      `${head} Wrap it with toStandardJsonSchema() from "@valibot/to-json-schema", ` +
      "pass { converter: (s) => toJsonSchema(s) } from that package, or pass a plain JSON Schema."
    );
  if (vendor === "zod")
    return `${head} Use zod 4 (which converts itself), pass a converter such as zod-to-json-schema, or pass a plain JSON Schema.`;
  return `${head} Pass a converter in the options, or pass a plain JSON Schema.`;
}

/** Drops what model providers reject or do not need, without touching the caller's object. */
export function normalizeJsonSchema(schema: JsonSchema, objectRoot: boolean): JsonSchema {
  const { $schema: _dropped, ...rest } = schema;
  const out: JsonSchema = structuredClone(rest);
  if (!objectRoot) return out;
  if (out.type === undefined) out.type = "object";
  if (out.type !== "object")
    throw new SchemaConversionError(
      `A tool's input schema must describe an object (its arguments by name), got type ${JSON.stringify(out.type)}`,
    );
  if (out.properties === undefined) out.properties = {};
  return out;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}
