import { readFileSync } from "node:fs";
import path from "node:path";
import type { ModelEvent } from "../../src/model/model.ts";
import { createQwenTextParser, type QwenTextParserOptions } from "../../src/models/qwen-text/index.ts";

export const repoRoot = path.resolve(import.meta.dirname, "../../../..");
export const localFixture = (name: string): string =>
  readFileSync(path.resolve(repoRoot, "../shared/fixtures/local", name), "utf8");

/** Deterministic ids, so runs over different chunkings compare equal. */
export function counterIds(): () => string {
  let n = 0;
  return () => `call_${++n}`;
}

/** Feeds `chunks` to a fresh parser and returns every event, adjacent deltas of one kind merged. */
export function parseChunks(chunks: readonly string[], options: QwenTextParserOptions = {}): ModelEvent[] {
  const parser = createQwenTextParser({ generateId: counterIds(), ...options });
  const events: ModelEvent[] = [];
  for (const chunk of chunks) events.push(...parser.push(chunk));
  events.push(...parser.end());
  return mergeDeltas(events);
}

export function mergeDeltas(events: readonly ModelEvent[]): ModelEvent[] {
  const out: ModelEvent[] = [];
  for (const event of events) {
    const last = out.at(-1);
    if ((event.type === "text-delta" || event.type === "reasoning-delta") && last?.type === event.type)
      out[out.length - 1] = { type: event.type, text: last.text + event.text };
    else out.push(event);
  }
  return out;
}

/** mulberry32: a small seeded RNG, so random chunkings are the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Splits `text` into chunks of 1 to `maxSize` characters. */
export function randomChunks(text: string, random: () => number, maxSize = 12): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; ) {
    const size = 1 + Math.floor(random() * maxSize);
    chunks.push(text.slice(i, i + size));
    i += size;
  }
  return chunks;
}
