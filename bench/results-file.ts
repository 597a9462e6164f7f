/**
 * Keeps bench/RESULTS.md's generated part up to date section by section: each figure lives between
 * `<!-- bench:ID -->` and `<!-- /bench:ID -->`, so `--write` after `--only=...` replaces just what was run.
 */
import { readFileSync, writeFileSync } from "node:fs";

const BEGIN = "<!-- generated:begin -->";
const END = "<!-- generated:end -->";

export const block = (id: string, body: string): string =>
  `<!-- bench:${id} -->\n${body.trim()}\n<!-- /bench:${id} -->`;

export function updateResults(file: string, blocks: { id: string; body: string }[]): void {
  let text = readFileSync(file, "utf8");
  if (!text.includes(BEGIN) || !text.includes(END))
    throw new Error(`${file} lacks the ${BEGIN} / ${END} markers`);
  for (const { id, body } of blocks) {
    const open = `<!-- bench:${id} -->`;
    const close = `<!-- /bench:${id} -->`;
    const from = text.indexOf(open);
    const to = text.indexOf(close);
    if (from !== -1 && to > from) {
      text = text.slice(0, from) + block(id, body) + text.slice(to + close.length);
    } else {
      const end = text.indexOf(END);
      text = `${text.slice(0, end)}${block(id, body)}\n\n${text.slice(end)}`;
    }
  }
  writeFileSync(file, text);
}
