import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Validator } from "@cfworker/json-schema";
import { parse } from "yaml";

// The OpenTelemetry GenAI conventions v1.41.1 (see ../shared/external/otel-genai/README.md), read as they are.
const repoRoot = path.resolve(import.meta.dirname, "../../../..");
export const otelGenAiDir = path.resolve(repoRoot, "../shared/external/otel-genai");

export type Level = "required" | "conditionally_required" | "recommended" | "opt_in";

export interface SpecAttribute {
  id: string;
  level: Level;
  /** The condition's text, for conditionally required (and conditionally recommended) attributes. */
  condition?: string;
  /** The registry type (`string`, `int`, `double`, `string[]`, `any`, `{ members }`), when the registry here has it. */
  type?: unknown;
}

interface Group {
  id: string;
  extends?: string;
  attributes?: { id?: string; ref?: string; requirement_level?: unknown; type?: unknown }[];
}

const loadGroups = (folder: string): Group[] =>
  readdirSync(folder)
    .filter((f) => f.endsWith(".yaml"))
    .flatMap((f) => (parse(readFileSync(path.join(folder, f), "utf8")) as { groups: Group[] }).groups);

const groups = new Map<string, Group>();
const registryTypes = new Map<string, unknown>();
for (const group of loadGroups(path.join(otelGenAiDir, "model/gen-ai"))) {
  groups.set(group.id, group);
  for (const attribute of group.attributes ?? [])
    if (attribute.id) registryTypes.set(attribute.id, attribute.type);
}

function levelOf(raw: unknown): { level: Level; condition?: string } {
  if (typeof raw === "string") return { level: raw as Level };
  const [[level, condition]] = Object.entries(raw as Record<string, string>) as [[Level, string]];
  return { level, condition };
}

/** Every attribute of a span definition, with `extends` resolved: the most derived group's level wins. */
export function spanAttributes(groupId: string): Map<string, SpecAttribute> {
  const group = groups.get(groupId);
  if (!group) throw new Error(`No group ${groupId} in ${otelGenAiDir}/model/gen-ai`);
  const resolved = group.extends ? spanAttributes(group.extends) : new Map<string, SpecAttribute>();
  for (const attribute of group.attributes ?? []) {
    const id = attribute.ref ?? attribute.id!;
    const previous = resolved.get(id);
    // Semantic conventions default to `recommended` when no level is given.
    const level =
      attribute.requirement_level === undefined
        ? previous
          ? { level: previous.level, condition: previous.condition }
          : { level: "recommended" as const }
        : levelOf(attribute.requirement_level);
    resolved.set(id, { id, ...level, type: registryTypes.get(id) });
  }
  return resolved;
}

/** True when `value` has the registry type `type` as OpenTelemetry JS records it (`any` becomes JSON text). */
export function hasRegistryType(type: unknown, value: unknown): boolean {
  if (typeof type === "object" && type !== null && "members" in type) return typeof value === "string";
  switch (type) {
    case "string":
      return typeof value === "string";
    case "int":
      return Number.isInteger(value);
    case "double":
      return typeof value === "number";
    case "boolean":
      return typeof value === "boolean";
    case "string[]":
      return Array.isArray(value) && value.every((v) => typeof v === "string");
    case "any":
      if (typeof value !== "string") return false;
      try {
        JSON.parse(value);
        return true;
      } catch {
        return false;
      }
    default:
      throw new Error(`Unknown registry type ${JSON.stringify(type)}`);
  }
}

/** The well-known values of an enum-typed registry attribute. */
export const membersOf = (id: string): string[] =>
  ((registryTypes.get(id) as { members?: { value: string }[] } | undefined)?.members ?? []).map(
    (m) => m.value,
  );

const DRAFT_07 = "http://json-schema.org/draft-07/schema#";

/**
 * A validator for one of the JSON Schemas of the content attributes (`gen-ai-input-messages.json`, ...).
 * The tool definitions schema points its `parameters` at the draft-07 metaschema, which is not in the corpus:
 * it stands in as "an object or a boolean" (tests compile the parameters as schemas separately).
 */
export function contentValidator(file: string): (value: unknown) => string[] {
  const schema = JSON.parse(readFileSync(path.join(otelGenAiDir, file), "utf8"));
  const validator = new Validator(schema, "2020-12", false);
  validator.addSchema({ $id: DRAFT_07, type: ["object", "boolean"] }, DRAFT_07);
  return (value) => {
    const result = validator.validate(value);
    return result.valid ? [] : result.errors.map((e) => `${e.instanceLocation}: ${e.error}`);
  };
}
