import type { JsonSchema, ToolSpec } from "../../src/model/model.ts";
import type { ToolNameMap } from "../../src/tools/tool-name.ts";
import type { BfclFunction, BfclSchema } from "./bfcl-data.ts";

/**
 * The leaderboard's GORILLA_TO_OPENAPI table (bfcl_eval/constants/type_mappings.py), looked up case-insensitively.
 * Two deliberate departures, because the ground truth carries typed values these must accept:
 * - `any` becomes `{}` (no constraint) instead of string: its answers are numbers, lists and objects too.
 * - `Boolean` (simple_javascript) becomes boolean instead of string: its answers are `true`/`false`.
 * A missing or unknown type name becomes string, as on the leaderboard.
 */
const TYPE_NAMES: Record<string, string | null> = {
  dict: "object",
  object: "object",
  hashmap: "object",
  hashtable: "object",
  float: "number",
  double: "number",
  number: "number",
  integer: "integer",
  byte: "integer",
  short: "integer",
  long: "integer",
  bigint: "integer",
  list: "array",
  tuple: "array",
  array: "array",
  arraylist: "array",
  queue: "array",
  stack: "array",
  bool: "boolean",
  boolean: "boolean",
  string: "string",
  char: "string",
  any: null,
};

export function jsonTypeOf(bfclType: string | undefined): string | null {
  const key = (bfclType ?? "").toLowerCase();
  return Object.hasOwn(TYPE_NAMES, key) ? (TYPE_NAMES[key] ?? null) : "string";
}

/** Keywords carried over as they are; BFCL's own `optional` flag (not JSON Schema) is dropped. */
const KEPT = ["description", "enum", "default", "minItems", "maxItems", "maximum", "format"] as const;

/**
 * Two readings of the data's intent, beyond the type table: a parameter whose default is `null` (Python's
 * `Optional[...] = None`) also accepts null, and an `enum` of scalars written on an array constrains its items.
 */
export function convertBfclSchema(schema: BfclSchema): JsonSchema {
  const out: JsonSchema = {};
  const type = jsonTypeOf(schema.type);
  if (type !== null) out.type = schema.default === null ? [type, "null"] : type;
  for (const key of KEPT) if (schema[key] !== undefined) out[key] = schema[key];
  const enumOnArray = type === "array" && Array.isArray(schema.enum) && !schema.enum.some(Array.isArray);
  if (enumOnArray) delete out.enum;
  if (type === "object" && schema.properties) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([name, property]) => [name, convertBfclSchema(property)]),
    );
    if (Array.isArray(schema.required) && schema.required.length > 0) out.required = [...schema.required];
  }
  if (type === "array" && schema.items) out.items = convertBfclSchema(schema.items);
  if (enumOnArray) out.items = { ...((out.items as JsonSchema | undefined) ?? {}), enum: schema.enum };
  return out;
}

/** A BFCL function as the tool a model is offered: root forced to an object, name made provider-safe. */
export function convertBfclFunction(fn: BfclFunction, names: ToolNameMap): ToolSpec {
  const parameters = convertBfclSchema({ ...fn.parameters, type: "dict" });
  parameters.properties ??= {};
  return { name: names.toProvider(fn.name), description: fn.description, parameters };
}

const JSON_TYPES = new Set(["object", "array", "string", "number", "integer", "boolean", "null"]);

/** Problems that would make a provider reject the schema; empty when it is well formed. */
export function schemaProblems(schema: JsonSchema, where = ""): string[] {
  const problems: string[] = [];
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  for (const type of types) if (!JSON_TYPES.has(type as string)) problems.push(`${where}: type ${type}`);
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  if (properties !== undefined) {
    if (!types.includes("object")) problems.push(`${where}: properties without type object`);
    for (const [name, property] of Object.entries(properties))
      problems.push(...schemaProblems(property, `${where}/${name}`));
  }
  if (schema.required !== undefined) {
    const required = schema.required as unknown[];
    for (const name of required)
      if (typeof name !== "string" || !properties || !(name in properties))
        problems.push(`${where}: required ${name}`);
  }
  if (schema.items !== undefined) problems.push(...schemaProblems(schema.items as JsonSchema, `${where}[]`));
  for (const key of Object.keys(schema))
    if (!["type", "properties", "required", "items", ...KEPT].includes(key))
      problems.push(`${where}: keyword ${key}`);
  return problems;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The first acceptable value of a list of alternatives, `""` (left out) skipped; undefined when all are `""`. */
const firstValue = (alternatives: unknown[]): unknown => alternatives.find((value) => value !== "");

/**
 * Ground-truth arguments for one call: for each parameter, its first acceptable value. Inside dicts (and lists
 * of dicts) the answer lists alternatives per key again, one level deep, as the leaderboard's dict checker reads.
 */
export function firstAcceptableArguments(
  answer: Record<string, unknown[]>,
  fn: BfclFunction,
): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [param, alternatives] of Object.entries(answer)) {
    // A parameter the function does not declare is only acceptable left out (no parameter outside the schema).
    if (!fn.parameters.properties?.[param] && alternatives.includes("")) continue;
    const value = firstValue(alternatives);
    if (value === undefined) continue;
    args[param] = resolveNested(value, fn.parameters.properties?.[param]);
  }
  return args;
}

function resolveNested(value: unknown, schema: BfclSchema | undefined): unknown {
  const type = jsonTypeOf(schema?.type);
  if (type === "object" && isPlainObject(value)) return pickPerKey(value);
  if (type === "array" && jsonTypeOf(schema?.items?.type) === "object" && Array.isArray(value))
    return value.map((item) => (isPlainObject(item) ? pickPerKey(item) : item));
  return value;
}

function pickPerKey(answer: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, alternatives] of Object.entries(answer)) {
    const value = Array.isArray(alternatives) ? firstValue(alternatives) : alternatives;
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** A value of another JSON type than `type` allows, or undefined when any value is allowed. */
export function wrongTypeValue(schema: JsonSchema | undefined): unknown {
  const type = Array.isArray(schema?.type) ? schema.type[0] : schema?.type;
  switch (type) {
    case "string":
      return 12345;
    case "integer":
    case "number":
      return "not a number";
    case "boolean":
      return "yes";
    case "array":
      return "not a list";
    case "object":
      return ["not", "an", "object"];
    default:
      return undefined;
  }
}
