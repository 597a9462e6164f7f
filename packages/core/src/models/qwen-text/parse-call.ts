import type { JsonSchema, ToolSpec } from "../../model/model.ts";

/** A call read from the text: `arguments` is JSON text, as in `ToolCall`. */
export interface ParsedCall {
  name: string;
  arguments: string;
}

/**
 * Parses the inside of one `<tool_call>...</tool_call>` block in either form; undefined when it is not a call
 * (the caller then keeps the text as it was).
 */
export function parseToolCallBody(
  body: string,
  tools?: ReadonlyMap<string, ToolSpec>,
): ParsedCall | undefined {
  const trimmed = body.trim();
  if (trimmed.startsWith("{")) return parseHermesCall(trimmed);
  if (trimmed.startsWith("<function=")) return parseCoderCall(trimmed, tools);
  return undefined;
}

/** Qwen3 / Hermes: `{"name": ..., "arguments": {...}}`. */
export function parseHermesCall(json: string): ParsedCall | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || typeof value.name !== "string" || value.name === "") return undefined;
  // Some fine-tunes write "parameters" instead of "arguments".
  const args = value.arguments ?? value.parameters ?? {};
  if (typeof args === "string") {
    // Already JSON text: keep it as it is rather than encoding it twice.
    try {
      return isRecord(JSON.parse(args)) ? { name: value.name, arguments: args } : undefined;
    } catch {
      return undefined;
    }
  }
  return isRecord(args) ? { name: value.name, arguments: JSON.stringify(args) } : undefined;
}

const FUNCTION_OPEN = /^<function=([^>\n]+)>/;
const PARAMETER = /<parameter=([^>\n]+)>([\s\S]*?)(?:<\/parameter>|(?=<parameter=)|(?=<\/function>)|$)/g;

/** Qwen3-Coder: `<function=NAME><parameter=KEY>VALUE</parameter>...</function>`, values typed by the tool's schema. */
export function parseCoderCall(text: string, tools?: ReadonlyMap<string, ToolSpec>): ParsedCall | undefined {
  const open = FUNCTION_OPEN.exec(text);
  if (!open) return undefined;
  const name = open[1]!.trim();
  if (name === "") return undefined;
  const end = text.indexOf("</function>");
  const inner = text.slice(open[0].length, end === -1 ? undefined : end);
  const properties = schemaProperties(tools?.get(name)?.parameters);
  const args: Record<string, unknown> = {};
  for (const match of inner.matchAll(PARAMETER)) {
    const key = match[1]!.trim();
    args[key] = typeParameterValue(stripOneNewline(match[2]!), properties?.[key]);
  }
  return { name, arguments: JSON.stringify(args) };
}

/** The official parser drops exactly one newline after the opening tag and one before the closing tag. */
function stripOneNewline(value: string): string {
  let out = value.startsWith("\n") ? value.slice(1) : value;
  if (out.endsWith("\n")) out = out.slice(0, -1);
  return out;
}

function schemaProperties(schema: JsonSchema | undefined): Record<string, unknown> | undefined {
  return isRecord(schema?.properties) ? (schema.properties as Record<string, unknown>) : undefined;
}

/**
 * Types a raw parameter value as the official Qwen3-Coder parser does: strings (and parameters without a schema)
 * stay text; integers, numbers and booleans are parsed; objects and arrays are JSON; `null` is null. One
 * departure: `null` stays text for a parameter whose schema says string and not null. A value that does not
 * parse as its type is kept as text, for the validator to report.
 */
export function typeParameterValue(raw: string, schema: unknown): unknown {
  const types = schemaTypes(schema);
  const text = raw.trim();
  if (text.toLowerCase() === "null" && (types.has("null") || !types.has("string"))) return null;
  if (types.size === 0 || types.has("string")) return raw;
  if (types.has("integer") && /^[-+]?\d+$/.test(text)) return Number(text);
  if ((types.has("number") || types.has("integer")) && NUMBER.test(text)) return Number(text);
  if (types.has("boolean") && (text.toLowerCase() === "true" || text.toLowerCase() === "false"))
    return text.toLowerCase() === "true";
  if (types.has("object") || types.has("array")) {
    try {
      return JSON.parse(text);
    } catch {
      return raw;
    }
  }
  return raw;
}

const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/** The JSON types a schema allows ("null" included), looking through `anyOf`/`oneOf` and `enum`/`const`. */
function schemaTypes(schema: unknown, depth = 0): Set<string> {
  const types = new Set<string>();
  if (!isRecord(schema) || depth > 4) return types;
  const type = schema.type;
  if (typeof type === "string") types.add(type);
  else if (Array.isArray(type)) for (const t of type) if (typeof t === "string") types.add(t);
  for (const key of ["anyOf", "oneOf"] as const) {
    const options = schema[key];
    if (Array.isArray(options))
      for (const option of options) for (const t of schemaTypes(option, depth + 1)) types.add(t);
  }
  // Without a type, the allowed literals tell.
  if (type === undefined) {
    const literals = Array.isArray(schema.enum) ? schema.enum : "const" in schema ? [schema.const] : [];
    for (const literal of literals)
      types.add(literal === null ? "null" : Array.isArray(literal) ? "array" : typeof literal);
  }
  return types;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
