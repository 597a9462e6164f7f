import { describe, expect, it } from "vitest";
import { SseParser } from "../../src/models/openai-compatible/sse-parser.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

function parseInPieces(text: string, cuts: number[]): string[] {
  const all = bytes(text);
  const parser = new SseParser();
  const out: string[] = [];
  let start = 0;
  for (const cut of [...cuts, all.length]) {
    parser.push(all.subarray(start, cut), out);
    start = cut;
  }
  return parser.end(out);
}

describe("SseParser", () => {
  const stream = 'data: {"a":1}\n\n: keep-alive\n\ndata: {"text":"héllo 世界"}\n\ndata: [DONE]\n\n';
  const expected = ['{"a":1}', '{"text":"héllo 世界"}', "[DONE]"];

  it("yields each event's data and skips comments", () => {
    expect(parseInPieces(stream, [])).toEqual(expected);
  });

  it("gives the same events wherever the byte stream is cut, inside UTF-8 sequences included", () => {
    const length = bytes(stream).length;
    for (let cut = 1; cut < length; cut++) expect(parseInPieces(stream, [cut])).toEqual(expected);
    const everyByte = Array.from({ length: length - 1 }, (_, i) => i + 1);
    expect(parseInPieces(stream, everyByte)).toEqual(expected);
  });

  it("handles CRLF line endings, data without a space and multi-line data", () => {
    const text = 'data:{"x":1}\r\n\r\ndata: line one\r\ndata: line two\r\n\r\nevent: ping\r\nid: 7\r\n\r\n';
    expect(parseInPieces(text, [3, 17])).toEqual(['{"x":1}', "line one\nline two"]);
  });

  it("dispatches a last event that lacks its blank line at end of stream", () => {
    expect(parseInPieces('data: {"a":1}\n\ndata: [DONE]', [])).toEqual(['{"a":1}', "[DONE]"]);
  });

  it("ignores fields whose name only starts with data", () => {
    expect(parseInPieces("database: x\n\ndata: y\n\n", [])).toEqual(["y"]);
  });
});
