import { SkeinError } from "../errors/errors.ts";

/** What OpenAI, DashScope, Anthropic, Gemini, Mistral and Bedrock all accept as a tool name. */
export const PROVIDER_TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX_LENGTH = 64;

export class InvalidToolNameError extends SkeinError {
  readonly toolName: string;
  constructor(name: string) {
    super(
      "invalid_tool_name",
      `Invalid tool name ${JSON.stringify(name)}: model providers accept 1 to 64 characters from a-z, A-Z, 0-9, ` +
        `"_" and "-" (${describeProblem(name)}). Rename the tool, or let the model adapter map it with createToolNameMap().`,
    );
    this.toolName = name;
  }
}

function describeProblem(name: string): string {
  if (name.length === 0) return "the name is empty";
  if (name.length > MAX_LENGTH) return `the name has ${name.length} characters`;
  const bad = [...new Set(name.replace(/[a-zA-Z0-9_-]/g, ""))].map((c) => JSON.stringify(c));
  return `it contains ${bad.join(", ")}`;
}

export const isProviderToolName = (name: string): boolean => PROVIDER_TOOL_NAME.test(name);

/** Throws `InvalidToolNameError` unless every provider accepts `name` as it is. */
export function assertToolName(name: string): void {
  if (!isProviderToolName(name)) throw new InvalidToolNameError(name);
}

/**
 * A provider-safe spelling of `name`: every other character becomes `_` (so `math.factorial` becomes
 * `math_factorial`) and over-long names are cut and given a short hash. Not reversible on its own: use
 * `createToolNameMap` when names must be mapped back.
 */
export function toProviderToolName(name: string): string {
  const safe = name.replace(/[^a-zA-Z0-9_-]/g, "_") || "_";
  if (safe.length <= MAX_LENGTH) return safe;
  const suffix = `_${hash(name)}`;
  return safe.slice(0, MAX_LENGTH - suffix.length) + suffix;
}

export interface ToolNameMap {
  /** The name to send to the provider for a tool of ours; names outside the map are sanitised. */
  toProvider(name: string): string;
  /** Our tool's name for a name the provider sent back; an unknown name is returned unchanged. */
  fromProvider(name: string): string;
}

/**
 * A reversible mapping between tool names and provider-safe names. Names providers already accept are kept as
 * they are; the others are sanitised, and a sanitised name that would clash with another tool's name gets a
 * numeric suffix (`a.b` and `a_b` map to `a_b_2` and `a_b`), so every provider name maps back to one tool.
 */
export function createToolNameMap(names: Iterable<string>): ToolNameMap {
  const unique = [...new Set(names)];
  const toProvider = new Map<string, string>();
  const fromProvider = new Map<string, string>();
  const claim = (name: string, providerName: string) => {
    toProvider.set(name, providerName);
    fromProvider.set(providerName, name);
  };
  // Valid names claim themselves first, so renaming never takes a name a real tool already has.
  for (const name of unique) if (isProviderToolName(name)) claim(name, name);
  for (const name of unique) {
    if (toProvider.has(name)) continue;
    const base = toProviderToolName(name);
    let candidate = base;
    for (let n = 2; fromProvider.has(candidate); n++) {
      const suffix = `_${n}`;
      candidate = base.slice(0, MAX_LENGTH - suffix.length) + suffix;
    }
    claim(name, candidate);
  }
  return {
    toProvider: (name) => toProvider.get(name) ?? toProviderToolName(name),
    fromProvider: (name) => fromProvider.get(name) ?? name,
  };
}

/** FNV-1a, 8 hex digits: short, stable, dependency-free. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}
