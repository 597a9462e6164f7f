// Same-run comparison with the previous search path: a second connection to the same store file with the HNSW
// index off (exact `vec0` scan, k widened for namespace filters) and no BM25 posting budget (every matching row
// scored), queried interleaved with the current path so that load affects both alike.

import { loadavg } from "node:os";
import type { EmbeddingModel } from "@skein/memory";
import { actorNamespace, Memory, openSqliteMemoryStore, vectorIndexFor } from "@skein/memory";

export interface BaselineRow {
  scope: "tenant-wide" | "one actor's namespace";
  n: number;
  /** Hybrid p50, ms: the previous path and the current one, measured interleaved. */
  previous: number;
  current: number;
  load: [number, number];
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const load1 = (): number => Number(loadavg()[0]!.toFixed(2));

export async function runBaseline(
  path: string,
  current: Memory,
  embedder: EmbeddingModel,
  tenant: string,
  queries: string[],
  actors: number,
  budgetMs: number,
): Promise<BaselineRow[]> {
  const store = openSqliteMemoryStore({
    path,
    vectors: vectorIndexFor(embedder),
    ann: false,
    text: { maxPostings: Number.POSITIVE_INFINITY },
  });
  const previous = new Memory({ store, embedder });
  const rows: BaselineRow[] = [];
  try {
    for (const scope of ["tenant-wide", "one actor's namespace"] as const) {
      const before = load1();
      const times = { previous: [] as number[], current: [] as number[] };
      const end = performance.now() + budgetMs;
      for (let i = 0; i < queries.length && performance.now() < end; i++) {
        const query = {
          text: queries[i]!,
          limit: 10,
          mode: "hybrid" as const,
          namespacePrefix: scope === "tenant-wide" ? undefined : actorNamespace(tenant, `a${i % actors}`),
        };
        for (const [name, memory] of [
          ["previous", previous],
          ["current", current],
        ] as const) {
          const t0 = performance.now();
          await memory.search(tenant, query);
          times[name].push(performance.now() - t0);
        }
      }
      rows.push({
        scope,
        n: times.current.length,
        previous: median(times.previous),
        current: median(times.current),
        load: [before, load1()],
      });
    }
  } finally {
    await store.close();
  }
  return rows;
}
