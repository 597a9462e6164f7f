import type { EmbeddingModel } from "../embeddings/embedding-model.ts";

export interface HashedEmbedderOptions {
  /** Default 64. */
  dimensions?: number;
  /** Words mapped to a shared concept (`{ espresso: "coffee", latte: "coffee" }`), so related words land together. */
  synonyms?: Record<string, string>;
  /** Reported as `id` (default `hashed-bag-of-words`). */
  id?: string;
}

const WORD = /[\p{L}\p{N}]+/gu;

/** FNV-1a, 32-bit: a stable hash, so every run produces the same vectors. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A crude stemmer, enough for plurals and -ing forms to meet. */
function stem(word: string): string {
  if (word.length > 5 && word.endsWith("ing")) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}

/** The vector of one text: hashed, signed counts of its (stemmed, synonym-mapped) words, L2-normalised. */
export function hashedVector(
  text: string,
  dimensions: number,
  synonyms: Record<string, string> = {},
): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const raw of text.toLowerCase().match(WORD) ?? []) {
    const word = stem(raw);
    const concept = synonyms[word] ?? synonyms[raw] ?? word;
    const hash = fnv1a(concept);
    vector[hash % dimensions]! += hash & 0x80000000 ? -1 : 1;
  }
  // A constant component keeps texts without words off the zero vector (cosine distance needs a norm).
  vector[dimensions - 1]! += 0.01;
  const norm = Math.hypot(...vector);
  return vector.map((v) => v / norm);
}

/**
 * TEST DOUBLE at the embedding-model boundary: a deterministic hashed bag of words, no network, no weights.
 * Texts sharing words (or mapped synonyms) get close vectors; nothing else is "understood".
 */
export function hashedEmbedder(options: HashedEmbedderOptions = {}): EmbeddingModel & { calls: string[][] } {
  const dimensions = options.dimensions ?? 64;
  const calls: string[][] = [];
  return {
    id: options.id ?? "hashed-bag-of-words",
    provider: "hashed-bag-of-words-double",
    dimensions,
    calls,
    async embed(texts: string[], signal?: AbortSignal): Promise<number[][]> {
      signal?.throwIfAborted();
      calls.push([...texts]);
      return texts.map((text) => hashedVector(text, dimensions, options.synonyms));
    },
  };
}
