import { spaceCjkWords } from "../text/cjk-words.ts";

// User text becomes a list of quoted terms joined by OR, so nothing the user types (quotes, NEAR, AND, `*`, `-`,
// `^`, column filters, parentheses) is ever read as FTS5 query syntax.

const WORD = /[\p{L}\p{N}]+/gu;
const MAX_TERMS = 32;

// Words too common to say anything about a memory; dropped unless the query has nothing else.
const STOPWORDS = new Set(
  (
    "a an and are as at be but by did do does for from had has have how i if in is it its me my of on or our " +
    "so that the their them they this to was we were what when where which who whom why will with you your"
  ).split(" "),
);

/**
 * The terms of `text` as FTS5 will see them: letter and digit runs (Chinese and Japanese split into words as the
 * index splits them), lower-cased, deduplicated, stopwords out.
 */
export function queryTerms(text: string): string[] {
  const normalized = spaceCjkWords(text.normalize("NFKC"));
  const words = [...new Set((normalized.match(WORD) ?? []).map((w) => w.toLowerCase()))];
  const content = words.filter((w) => !STOPWORDS.has(w));
  return (content.length > 0 ? content : words).slice(0, MAX_TERMS);
}

/** An FTS5 MATCH expression for plain user text, or undefined when it has no searchable word. */
export function ftsMatchExpression(text: string): string | undefined {
  const terms = queryTerms(text);
  if (terms.length === 0) return undefined;
  return terms.map((term) => `"${term.replaceAll('"', '""')}"`).join(" OR ");
}
