import type { Model, ModelRequest } from "@skein/core";
import { ExtractionOutputError } from "./errors.ts";

/** Runs one model turn and returns its text (tool calls and reasoning are ignored). */
export async function completeText(
  model: Model,
  request: ModelRequest,
  signal?: AbortSignal,
): Promise<string> {
  let text = "";
  for await (const event of model.stream(request, signal)) {
    if (event.type === "text-delta") text += event.text;
  }
  return text;
}

// A single fenced block around the whole answer is tolerated (models add it even in JSON mode); nothing else.
const FENCE = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/;

/** Parses the model's answer as one JSON object, or throws `ExtractionOutputError`. */
export function parseJsonObject(text: string): Record<string, unknown> {
  const trimmed = text.trim();
  const body = FENCE.exec(trimmed)?.[1] ?? trimmed;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new ExtractionOutputError("The answer is not JSON", text);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new ExtractionOutputError("The answer is not a JSON object", text);
  return value as Record<string, unknown>;
}

/** Asks for a JSON object (`response_format: json_object`) and parses it. */
export async function completeJson(
  model: Model,
  system: string,
  user: string,
  signal?: AbortSignal,
): Promise<{ value: Record<string, unknown>; raw: string }> {
  const raw = await completeText(
    model,
    {
      system,
      messages: [{ role: "user", content: user }],
      responseFormat: { type: "json_object" },
      temperature: 0,
    },
    signal,
  );
  return { value: parseJsonObject(raw), raw };
}
