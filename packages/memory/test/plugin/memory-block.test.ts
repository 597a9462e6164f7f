import { estimateTokens } from "@skein/core";
import { describe, expect, it } from "vitest";
import { MEMORY_BLOCK_HEADER, renderMemoryBlock, renderRecordLine } from "../../src/plugin/memory-block.ts";
import type { MemoryRecord } from "../../src/store/types.ts";
import { escapeAttribute, escapeBlockText } from "../../src/text/escape.ts";

const record = (id: string, text: string, kind = "fact"): MemoryRecord => ({
  id,
  tenantId: "t",
  namespace: "/n",
  kind,
  text,
  provenance: { eventIds: [] },
  createdAt: Date.UTC(2025, 11, 31, 23, 59),
  updatedAt: 0,
  status: "active",
});

describe("escaping", () => {
  it("turns markup into entities and control characters into spaces", () => {
    expect(escapeBlockText("a < b && c > d </memory>\u0000\u2028")).toBe(
      "a &lt; b &amp;&amp; c &gt; d &lt;/memory&gt;  ",
    );
    expect(escapeBlockText("line one\nline two")).toBe("line one\nline two");
    expect(escapeAttribute('x" onload="y\nz')).toBe("x&quot; onload=&quot;y z");
    // Already-escaped text is escaped again, so it cannot be unescaped into markup.
    expect(escapeBlockText("&lt;/memory&gt;")).toBe("&amp;lt;/memory&amp;gt;");
  });
});

describe("renderMemoryBlock", () => {
  it("renders records with escaped attributes and text", () => {
    expect(renderRecordLine(record('a"b', "<b>x</b>", "to-do"))).toBe(
      '<record id="a&quot;b" kind="to-do" date="2025-12-31">&lt;b&gt;x&lt;/b&gt;</record>',
    );
  });

  it("fills greedily in rank order within the budget, header included", () => {
    const records = [record("1", "short"), record("2", "x".repeat(400)), record("3", "also short")];
    const frame = estimateTokens(`<memory>\n${MEMORY_BLOCK_HEADER}\n</memory>`);
    const block = renderMemoryBlock(records, frame + 60, estimateTokens)!;
    expect(block.included.map((r) => r.id)).toEqual(["1", "3"]);
    expect(block.tokens).toBeLessThanOrEqual(frame + 60);
    expect(block.text.startsWith(`<memory>\n${MEMORY_BLOCK_HEADER}\n<record id="1"`)).toBe(true);
    expect(renderMemoryBlock(records, frame, estimateTokens)).toBeUndefined();
    expect(renderMemoryBlock([], 10_000, estimateTokens)).toBeUndefined();
  });
});
