import { ExtractionOutputError } from "./errors.ts";
import type { ExtractionStrategy } from "./strategies.ts";

/** The answer format appended to every strategy's prompt. */
export const EXTRACTION_FORMAT =
  'Answer with one JSON object and nothing else: {"memories": [{"text": "..."}]}. Use an empty list when ' +
  "there is nothing to record. Each text at most 500 characters.";

const MAX_CANDIDATE_CHARS = 2000;

const normalize = (text: string): string =>
  text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();

/** Validates `{"memories": [{"text": string}]}` and returns the distinct texts, at most `maxRecords`. */
export function parseCandidates(
  value: Record<string, unknown>,
  raw: string,
  strategy: ExtractionStrategy,
): string[] {
  const memories = value.memories;
  if (!Array.isArray(memories)) throw new ExtractionOutputError('Expected a "memories" list', raw);
  const texts: string[] = [];
  const seen = new Set<string>();
  for (const item of memories) {
    const text = typeof item === "string" ? item : (item as { text?: unknown } | null)?.text;
    if (typeof text !== "string" || text.trim() === "")
      throw new ExtractionOutputError('Each memory needs a non-empty "text"', raw);
    if (text.length > MAX_CANDIDATE_CHARS)
      throw new ExtractionOutputError(`A memory is longer than ${MAX_CANDIDATE_CHARS} characters`, raw);
    const key = normalize(text);
    if (seen.has(key)) continue;
    seen.add(key);
    texts.push(text.trim());
  }
  return texts.slice(0, strategy.maxRecords ?? 20);
}

/** Same words, same order, ignoring case and punctuation. */
export const sameText = (a: string, b: string): boolean => normalize(a) === normalize(b);

/** Share of distinct words in common (Jaccard). */
export function wordOverlap(a: string, b: string): number {
  const wa = new Set(normalize(a).split(" ").filter(Boolean));
  const wb = new Set(normalize(b).split(" ").filter(Boolean));
  if (wa.size === 0 && wb.size === 0) return 1;
  let shared = 0;
  for (const w of wa) if (wb.has(w)) shared++;
  return shared / (wa.size + wb.size - shared);
}
