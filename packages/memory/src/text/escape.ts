// Stored and user-written text placed inside a delimited block of a prompt must never be able to close the block
// or open a tag of its own: `<`, `>` and `&` become entities, so `</memory>` in a record reads as `&lt;/memory&gt;`.

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
// C0 controls other than tab and newline, DEL, and the Unicode line/paragraph separators.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f\u2028\u2029]/g;

/** Escapes text for the body of a delimited prompt block. */
export function escapeBlockText(text: string): string {
  return text.replace(/[&<>]/g, (c) => ENTITIES[c]!).replace(CONTROL, " ");
}

/** Escapes an attribute value (also `"`), on one line. */
export function escapeAttribute(value: string): string {
  return value
    .replace(/[&<>"]/g, (c) => ENTITIES[c]!)
    .replace(CONTROL, " ")
    .replace(/[\r\n\t]/g, " ");
}
