/**
 * Incremental Server-Sent Events parser for the Chat Completions stream (hot path: no regex, no per-line
 * allocation beyond the line itself). Feed raw bytes with `push`; it returns the `data` payload of every event
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
      this.line(this.buffer, out);
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
      this.line(buffer.slice(start, end), out);
      start = newline + 1;
      newline = buffer.indexOf("\n", start);
    }
    this.buffer = start === 0 ? buffer : buffer.slice(start);
    return out;
  }

  private line(line: string, out: string[]): void {
    if (line.length === 0) {
      if (this.data !== undefined) out.push(this.data);
      this.data = undefined;
      return;
    }
    if (line.charCodeAt(0) === 58 /* ":" comment */) return;
    if (!line.startsWith("data")) return;
    let value: string;
    if (line.length === 4) value = "";
    else if (line.charCodeAt(4) !== 58)
      return; // a field named e.g. "database", not "data"
    else value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
    this.data = this.data === undefined ? value : `${this.data}\n${value}`;
  }
}
