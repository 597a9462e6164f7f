import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ModelEvent } from "../../src/model/model.ts";

const repoRoot = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../../..");

/** A wire fixture under /work/shared/fixtures/qwen; a missing corpus fails the test instead of skipping it. */
export function qwenFixture(name: string): string {
  const path = resolve(repoRoot, "../shared/fixtures/qwen", name);
  if (!existsSync(path)) throw new Error(`Missing wire fixture ${path}`);
  return path;
}

export async function collect(stream: AsyncIterable<ModelEvent>): Promise<ModelEvent[]> {
  const events: ModelEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** Runs the stream to its failure; returns the events seen before it and the error. */
export async function collectFailure(
  stream: AsyncIterable<ModelEvent>,
): Promise<{ events: ModelEvent[]; error: unknown }> {
  const events: ModelEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
  } catch (error) {
    return { events, error };
  }
  throw new Error(`Expected the stream to fail, it ended after ${events.length} events`);
}

export const user = (content: string) => ({ messages: [{ role: "user" as const, content }] });
