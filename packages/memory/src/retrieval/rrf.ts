import type { MemoryRecord, RankedHit } from "../store/types.ts";

/** The usual RRF constant (Cormack et al., 2009): damps the weight of the very top ranks. */
export const RRF_K = 60;

export interface FusedHit {
  record: MemoryRecord;
  /** Sum over lists of 1 / (k + rank). */
  score: number;
  /** Rank in each input list, `undefined` where the record is absent. */
  ranks: (number | undefined)[];
  /** Each list's own score (BM25 or distance), where present. */
  scores: (number | undefined)[];
}

/** Reciprocal rank fusion of ranked lists of records, best first (ties by best single rank, then id). */
export function reciprocalRankFusion(lists: RankedHit[][], k = RRF_K): FusedHit[] {
  const fused = new Map<string, FusedHit>();
  lists.forEach((list, l) => {
    for (const hit of list) {
      let entry = fused.get(hit.record.id);
      if (!entry) {
        entry = {
          record: hit.record,
          score: 0,
          ranks: lists.map(() => undefined),
          scores: lists.map(() => undefined),
        };
        fused.set(hit.record.id, entry);
      }
      entry.score += 1 / (k + hit.rank);
      entry.ranks[l] = hit.rank;
      entry.scores[l] = hit.score;
    }
  });
  const best = (hit: FusedHit) => Math.min(...hit.ranks.map((r) => r ?? Number.POSITIVE_INFINITY));
  return [...fused.values()].sort(
    (a, b) => b.score - a.score || best(a) - best(b) || (a.record.id < b.record.id ? -1 : 1),
  );
}
