import { formatIssues } from "../schema/format-issues.ts";
import type { CompiledSchema } from "../schema/schema.ts";

/** Reads the model's final text as JSON (a fenced ```json block is accepted) and validates it. */
export async function checkOutput(
  schema: CompiledSchema,
  text: string,
): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(text);
  const candidate = (fenced ? fenced[1]! : text).trim();
  let value: unknown;
  try {
    value = JSON.parse(candidate);
  } catch (error) {
    return { ok: false, message: `the reply is not valid JSON (${(error as Error).message})` };
  }
  const result = await schema.validate(value);
  return result.ok ? result : { ok: false, message: formatIssues(result.issues) };
}

export const outputCorrection = (problem: string): string =>
  `Your previous reply could not be used: ${problem}. Reply again with only a JSON value that matches the required schema.`;
