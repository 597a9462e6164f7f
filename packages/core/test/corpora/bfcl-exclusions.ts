import type { JsonSchema } from "../../src/model/model.ts";
import type { BfclFunction } from "./bfcl-data.ts";

// Rules, not id lists: each names a leaderboard convention (or a dataset inconsistency) and is computed from the
// data, so the excluded cases are counted and reported, and any other failure still fails the test.

const typesOf = (schema: JsonSchema): string[] =>
  schema.type === undefined
    ? []
    : Array.isArray(schema.type)
      ? (schema.type as string[])
      : [schema.type as string];

function matchesType(value: unknown, type: string): boolean {
  switch (type) {
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number";
    case "null":
      return value === null;
    case "array":
      return Array.isArray(value);
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    default:
      return typeof value === type;
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export const VALIDATION_RULES = {
  variable:
    "a value of another type than declared: the leaderboard takes it as a variable reference (its type checker's " +
    "is_variable), e.g. a variable name for a list or None for a string; JSON Schema rightly rejects it",
  enum: "a value outside the parameter's enum: the leaderboard never checks enum; JSON Schema rightly rejects it",
} as const;

/**
 * Why the leaderboard accepts `value` although the schema rejects it, or undefined when the schema should accept
 * it. Looks into list items and dict properties, as the value sits in the ground truth.
 */
export function leaderboardOnlyReason(
  value: unknown,
  schema: JsonSchema | undefined,
): keyof typeof VALIDATION_RULES | undefined {
  if (!schema) return undefined;
  const types = typesOf(schema);
  if (types.length > 0 && !types.some((t) => matchesType(value, t))) return "variable";
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => same(option, value))) return "enum";
  if (Array.isArray(value) && schema.items)
    for (const item of value) {
      const reason = leaderboardOnlyReason(item, schema.items as JsonSchema);
      if (reason) return reason;
    }
  if (matchesType(value, "object") && schema.properties) {
    const properties = schema.properties as Record<string, JsonSchema>;
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const reason = leaderboardOnlyReason(v, properties[key]);
      if (reason) return reason;
    }
  }
  return undefined;
}

/**
 * Answers no call can pass under the leaderboard's own rules (a required parameter the answer only allows to be
 * left out, or an answer parameter the function does not declare and that may not be left out).
 */
export function unsatisfiableAnswer(answer: Record<string, unknown[]>, fn: BfclFunction): string | undefined {
  const properties = fn.parameters.properties ?? {};
  for (const name of fn.parameters.required ?? [])
    if (!answer[name]?.some((value) => value !== ""))
      return `required parameter ${name} has no acceptable value in the answer`;
  for (const [name, alternatives] of Object.entries(answer))
    if (!(name in properties) && !alternatives.includes(""))
      return `the answer requires ${name}, which the function does not declare`;
  return undefined;
}

export const CODER_RULE =
  "Qwen3-Coder writes every value as raw text and its parser types text by the parameter's schema, so a " +
  "parameter without a type (BFCL's `any`) cannot carry a non-string value, nor the string 'null' " +
  "(the official parser reads it as null)";

/** Why the Coder form cannot carry these arguments, or undefined when it can. */
export function coderUnrepresentable(
  args: Record<string, unknown>,
  parameters: JsonSchema,
): string | undefined {
  const properties = (parameters.properties ?? {}) as Record<string, JsonSchema>;
  for (const [name, value] of Object.entries(args)) {
    const schema = properties[name];
    if (!schema || typesOf(schema).length > 0 || schema.enum) continue;
    if (typeof value !== "string" || value.trim().toLowerCase() === "null")
      return `untyped parameter ${name} holds ${JSON.stringify(value)}`;
  }
  return undefined;
}
