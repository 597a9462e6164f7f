/**
 * Chinese and Japanese write words without spaces, and FTS5's unicode61 tokenizer splits on spaces and punctuation
 * only, so a whole CJK run would be one token: "阿里巴巴的人工智能投资" could be found by that exact run and nothing
 * else. Text goes into the index, and queries into terms, with its CJK words set apart by spaces, found by ICU's
 * dictionary-based word segmentation (`Intl.Segmenter`, the same for every locale). Korean and every other script
 * already separate words with spaces and pass through unchanged.
 */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

let segmenter: Intl.Segmenter | undefined;

/** `text` with spaces around each of its Chinese and Japanese words; other text unchanged. */
export function spaceCjkWords(text: string): string {
  if (!CJK.test(text)) return text;
  segmenter ??= new Intl.Segmenter(undefined, { granularity: "word" });
  let out = "";
  for (const { segment, isWordLike } of segmenter.segment(text))
    out += isWordLike && CJK.test(segment) ? ` ${segment} ` : segment;
  return out;
}
