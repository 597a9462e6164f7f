import { describe, expect, it } from "vitest";
import { RRF_K, reciprocalRankFusion } from "../../src/retrieval/rrf.ts";
import type { MemoryRecord, RankedHit } from "../../src/store/types.ts";

const record = (id: string) => ({ id }) as MemoryRecord;
const list = (...ids: string[]): RankedHit[] =>
  ids.map((id, i) => ({ record: record(id), rank: i + 1, score: i }));

describe("reciprocalRankFusion", () => {
  it("sums 1/(k + rank) over the lists and keeps each list's rank", () => {
    const fused = reciprocalRankFusion([list("a", "b", "c"), list("c", "a")]);
    expect(fused.map((h) => h.record.id)).toEqual(["a", "c", "b"]);
    expect(fused[0]!.score).toBeCloseTo(1 / (RRF_K + 1) + 1 / (RRF_K + 2), 12);
    expect(fused[0]!.ranks).toEqual([1, 2]);
    expect(fused[2]!.ranks).toEqual([2, undefined]);
  });

  it("rewards agreement over a single top rank", () => {
    const fused = reciprocalRankFusion([list("solo", "both"), list("other", "both")]);
    expect(fused[0]!.record.id).toBe("both");
  });

  it("breaks ties by best single rank, then id, so results are stable", () => {
    const fused = reciprocalRankFusion([list("x", "y"), list("y", "x")]);
    expect(fused.map((h) => h.record.id)).toEqual(["x", "y"]);
  });
});
