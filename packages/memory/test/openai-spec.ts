import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
/** The OpenAI OpenAPI specification from the shared corpus (a missing corpus fails the test). */
export const OPENAI_SPEC_FILE = path.resolve(repoRoot, "../shared/external/openai-openapi/openapi.json");

/** OpenAPI 3.0's `nullable: true` as JSON Schema: `anyOf: [schema, { type: "null" }]`. */
function rewriteNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteNullable);
  if (typeof node !== "object" || node === null) return node;
  const { nullable, ...rest } = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) out[key] = rewriteNullable(value);
  return nullable === true ? { anyOf: [out, { type: "null" }] } : out;
}

/** A validator for `components.schemas.<name>` of the OpenAI specification (draft 2020-12, strict mode off). */
export function openAISpecValidator(): (schema: string, value: unknown) => void {
  const spec = JSON.parse(readFileSync(OPENAI_SPEC_FILE, "utf8")) as { components: unknown };
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema({ $id: "https://openai.spec/openapi.json", components: rewriteNullable(spec.components) });
  return (schema, value) => {
    const check = ajv.getSchema(`https://openai.spec/openapi.json#/components/schemas/${schema}`);
    if (!check) throw new Error(`no schema ${schema} in the OpenAI specification`);
    if (!check(value))
      throw new Error(`${schema}: ${ajv.errorsText(check.errors)}\n${JSON.stringify(value)}`);
  };
}
