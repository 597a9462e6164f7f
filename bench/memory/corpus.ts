// Deterministic synthetic memory corpus: a seeded RNG, a Zipf-distributed vocabulary, sentences of realistic
// length (10–30 words, ~60–220 characters) in the style of extracted facts, and queries built from them.

/** mulberry32: a tiny, fast, seedable PRNG; every run produces the same corpus. */
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

const SYLLABLES =
  "ka ro mi ne to sa lu pe di vo ga ri ma te no shi ba ku ze ha fi ol an er in us ta el or ul".split(" ");
const FUNCTION_WORDS = (
  "the a of to and in that is for with on as at by from about prefers likes owns uses lives works " +
  "wants visited bought said usually often never always every week last next their his her my"
).split(" ");
const STARTS = [
  "The user",
  "User mentioned that they",
  "They said the",
  "The customer",
  "In the last session the user",
  "The user prefers",
  "Remember that the user",
];
const QUESTION_STARTS = ["what does the user", "does the user", "when did they", "tell me about", "which"];

/** A vocabulary of pronounceable pseudo-words, sampled with a Zipf(s = 1.05) law over ranks. */
export class Vocabulary {
  readonly words: string[];
  private readonly cdf: Float64Array;

  constructor(size: number, random: () => number) {
    const seen = new Set<string>();
    while (seen.size < size) {
      const n = 2 + Math.floor(random() * 3);
      let word = "";
      for (let i = 0; i < n; i++) word += SYLLABLES[Math.floor(random() * SYLLABLES.length)]!;
      seen.add(word);
    }
    this.words = [...seen];
    this.cdf = new Float64Array(size);
    let total = 0;
    for (let r = 0; r < size; r++) {
      total += 1 / (r + 1) ** 1.05;
      this.cdf[r] = total;
    }
    for (let r = 0; r < size; r++) this.cdf[r]! /= total;
  }

  sample(random: () => number): string {
    const u = random();
    let lo = 0;
    let hi = this.cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return this.words[lo]!;
  }
}

const pick = <T>(list: readonly T[], random: () => number): T => list[Math.floor(random() * list.length)]!;

/** One fact-like sentence: a start, then 10–30 words mixing function words and Zipf content words. */
export function sentence(vocab: Vocabulary, random: () => number): string {
  const words: string[] = [pick(STARTS, random)];
  const n = 8 + Math.floor(random() * 22);
  for (let i = 0; i < n; i++)
    words.push(random() < 0.35 ? pick(FUNCTION_WORDS, random) : vocab.sample(random));
  return `${words.join(" ")}.`;
}

/** A query about an existing record: a question start plus 2–4 of its content words (and sometimes one other). */
export function queryFor(record: string, vocab: Vocabulary, random: () => number): string {
  const content = record
    .replace(/\.$/, "")
    .split(" ")
    .filter((w) => !FUNCTION_WORDS.includes(w) && /^[a-z]+$/.test(w) && w.length > 3);
  const words: string[] = [pick(QUESTION_STARTS, random)];
  const n = Math.min(content.length, 2 + Math.floor(random() * 3));
  for (let i = 0; i < n; i++) words.push(pick(content, random));
  if (random() < 0.3) words.push(vocab.sample(random));
  return `${words.join(" ")}?`;
}
