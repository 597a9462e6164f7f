import type { MemoryStore, VectorIndexInfo } from "../../store/store.ts";
import type { MemoryRecord, NewMemoryRecord } from "../../store/types.ts";

/** Builds a fresh, empty store whose clock is `now`, with a vector index of `vectors`. */
export type MakeMemoryStore = (options: {
  now: () => number;
  vectors: VectorIndexInfo;
}) => MemoryStore | Promise<MemoryStore>;

export const DIMENSIONS = 8;

export interface ConformanceContext {
  store: MemoryStore;
  clock: number;
  /** Two tenants. */
  A: string;
  B: string;
  /** Creates one record (with an optional embedding). */
  create(
    tenantId: string,
    record: Partial<NewMemoryRecord> & { text: string },
    embedding?: number[],
  ): Promise<MemoryRecord>;
}

/** A unit vector along axis `i`, optionally leaning towards axis `j` by `lean`. */
export function axis(i: number, j?: number, lean = 0): number[] {
  const v = new Array<number>(DIMENSIONS).fill(0);
  v[i] = 1;
  if (j !== undefined) v[j] = lean;
  return v;
}
