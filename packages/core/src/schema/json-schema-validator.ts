import { type OutputUnit, type Schema, Validator } from "@cfworker/json-schema";
import type { JsonSchema } from "../model/model.ts";
import type { SchemaIssue, ValidationResult } from "./schema.ts";

export interface JsonSchemaValidatorOptions {
  /** Documents that `$ref`s may point to, by absolute URI (their `$id` is used when the key is omitted). */
  references?: Record<string, JsonSchema> | JsonSchema[];
}

/** Keywords whose failure only says that a subschema failed; the subschema's own error says why. */
const WRAPPER_KEYWORDS = new Set([
  "properties",
  "patternProperties",
  "items",
  "prefixItems",
  "additionalItems",
  "allOf",
  "$ref",
  "$dynamicRef",
  "$recursiveRef",
  "dependentSchemas",
  "dependencies",
  "if",
  "then",
  "else",
  "propertyNames",
  "contains",
]);

/** Draft 2020-12 validator, built once per schema (the hot path only calls `validate`). */
export function createJsonSchemaValidator<T = unknown>(
  schema: JsonSchema | boolean,
  options: JsonSchemaValidatorOptions = {},
): (value: unknown) => ValidationResult<T> {
  // The validator annotates the schema objects it is given; keep the caller's (and the model's) copy clean.
  const validator = new Validator(structuredClone(schema) as Schema | boolean, "2020-12", false);
  const references = options.references ?? {};
  const entries = Array.isArray(references)
    ? references.map((doc) => [undefined, doc] as const)
    : Object.entries(references);
  for (const [uri, doc] of entries) validator.addSchema(structuredClone(doc) as Schema, uri);
  return (value) => {
    const result = validator.validate(value);
    if (result.valid) return { ok: true, value: value as T };
    return { ok: false, issues: toIssues(result.errors, schema) };
  };
}

function toIssues(errors: OutputUnit[], schema: JsonSchema | boolean): SchemaIssue[] {
  const combinators = errors.filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf");
  const insideCombinator = (e: OutputUnit) =>
    combinators.some((c) => c !== e && e.keywordLocation.startsWith(`${c.keywordLocation}/`));
  let kept = errors.filter((e) => !WRAPPER_KEYWORDS.has(e.keyword) && !insideCombinator(e));
  // `false` schemas under additionalProperties repeat what the additionalProperties error says.
  if (kept.some((e) => e.keyword !== "false")) kept = kept.filter((e) => e.keyword !== "false");
  if (kept.length === 0) kept = errors.slice(0, 1);
  const seen = new Set<string>();
  const issues: SchemaIssue[] = [];
  for (const error of kept) {
    const issue = { path: pointer(error.instanceLocation), message: message(error, schema) };
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

const pointer = (location: string): string => (location.startsWith("#") ? location.slice(1) : location);

function message(error: OutputUnit, schema: JsonSchema | boolean): string {
  const text = error.error;
  switch (error.keyword) {
    case "type": {
      const m = /type "([^"]+)" is invalid\. Expected "([^"]+)"/.exec(text);
      return m ? `expected ${m[2]!.replaceAll('", "', " or ")}, got ${m[1]}` : text;
    }
    case "required": {
      const m = /required property "(.*)"\.$/.exec(text);
      return m ? `missing required property "${m[1]}"` : text;
    }
    case "additionalProperties":
    case "unevaluatedProperties": {
      const m = /^Property "(.*)" does not match/.exec(text);
      return m ? `property "${m[1]}" is not allowed` : text;
    }
    case "enum": {
      const allowed = resolve(schema, error.keywordLocation);
      if (!Array.isArray(allowed)) return "value is not one of the allowed values";
      const shown = allowed.slice(0, 10).map((v) => JSON.stringify(v));
      return `expected one of ${shown.join(", ")}${allowed.length > 10 ? ", ..." : ""}`;
    }
    case "false":
      return "no value is allowed here";
    default:
      return text.endsWith(".") ? text.slice(0, -1) : text;
  }
}

/** Follows a `#/a/b` keyword location into the root schema; undefined when it leaves it (e.g. through a $ref). */
function resolve(schema: unknown, location: string): unknown {
  if (!location.startsWith("#")) return undefined;
  let node = schema;
  for (const raw of location.slice(1).split("/").slice(1)) {
    const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    if (typeof node !== "object" || node === null || !(key in node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
