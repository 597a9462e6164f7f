/**
 * Incremental Server-Sent Events parser for the Chat Completions stream (hot path: no regex, no per-line
 * allocation beyond each event's payload). Feed raw bytes with `push`; it returns the `data` payload of every event
 * completed so far. Handles events and UTF-8 sequences split across network chunks, `\r\n` line endings,
 * comment lines (`: keep-alive`) and multi-line `data` fields (joined with `\n`). Other fields (`event`, `id`,
 * `retry`) are ignored: OpenAI-compatible servers carry everything in `data`.
 */
export class SseParser {
  private readonly decoder = new TextDecoder();
  private buffer = "";
  /** `data` lines of the event being read; `undefined` while no data line was seen. */
  private data: string | undefined;

  /** Parses a chunk of the byte stream; returns the payloads of the events it completed. */
  push(chunk: Uint8Array, out: string[] = []): string[] {
    // The kept tail has no newline: scan only the new text, so one huge event costs O(n), not O(n²).
    const scanFrom = this.buffer.length;
    this.buffer += this.decoder.decode(chunk, { stream: true });
    return this.drain(out, scanFrom);
  }

  /** Flushes the decoder at end of stream. A last event without its blank line is still dispatched. */
  end(out: string[] = []): string[] {
    this.buffer += this.decoder.decode();
    this.drain(out);
    if (this.buffer.length > 0) {
      this.line(this.buffer, 0, this.buffer.length, out);
      this.buffer = "";
    }
    if (this.data !== undefined) {
      out.push(this.data);
      this.data = undefined;
    }
    return out;
  }

  private drain(out: string[], scanFrom = 0): string[] {
    const buffer = this.buffer;
    let start = 0;
    let newline = buffer.indexOf("\n", scanFrom);
    while (newline !== -1) {
      const end = newline > start && buffer.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
      this.line(buffer, start, end, out);
      start = newline + 1;
      newline = buffer.indexOf("\n", start);
    }
    this.buffer = start === 0 ? buffer : buffer.slice(start);
    return out;
  }

  /** The line `buffer[start, end)`, read in place: only a `data` value is ever copied out. */
  private line(buffer: string, start: number, end: number, out: string[]): void {
    if (start === end) {
      if (this.data !== undefined) out.push(this.data);
      this.data = undefined;
      return;
    }
    if (buffer.charCodeAt(start) === 58 /* ":" comment */) return;
    if (end - start < 4 || !buffer.startsWith("data", start)) return;
    let value: string;
    if (end - start === 4) value = "";
    else if (buffer.charCodeAt(start + 4) !== 58)
      return; // a field named e.g. "database", not "data"
    else value = buffer.slice(buffer.charCodeAt(start + 5) === 32 ? start + 6 : start + 5, end);
    this.data = this.data === undefined ? value : `${this.data}\n${value}`;
  }
}
