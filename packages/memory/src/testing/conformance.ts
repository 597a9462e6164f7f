import { afterEach, beforeEach, describe } from "vitest";
import type { MemoryStore } from "../store/store.ts";
import { type ConformanceContext, DIMENSIONS, type MakeMemoryStore } from "./conformance/context.ts";
import { describeDeletion } from "./conformance/deletion.ts";
import { describeJobs } from "./conformance/jobs.ts";
import { describeListing } from "./conformance/listing.ts";
import { describeRecords } from "./conformance/records.ts";
import { describeSearch } from "./conformance/search.ts";

export type { MakeMemoryStore } from "./conformance/context.ts";

/**
 * The memory storage conformance suite: every `MemoryStore` adapter (SQLite today, PostgreSQL later) must pass it
 * unchanged. Tenant scoping, atomic batches, versions and history, filters, text and vector search, deletion from
 * every index, expiry and extraction jobs. Call it from a test file:
 * `runMemoryStoreConformance("sqlite :memory:", (o) => openSqliteMemoryStore({ path: ":memory:", ...o }))`.
 */
export function runMemoryStoreConformance(name: string, makeStore: MakeMemoryStore): void {
  describe(`memory store conformance: ${name}`, () => {
    const t: ConformanceContext = {
      store: undefined as unknown as MemoryStore,
      clock: 0,
      A: "tenant-a",
      B: "tenant-b",
      async create(tenantId, record, embedding) {
        const result = await t.store.apply(tenantId, [
          { op: "create", record: { namespace: "/t/a", kind: "fact", ...record }, embedding },
        ]);
        return result.created[0]!;
      },
    };

    beforeEach(async () => {
      t.clock = 1_000_000;
      t.store = await makeStore({
        now: () => t.clock,
        vectors: { dimensions: DIMENSIONS, model: "conformance-axes" },
      });
    });
    afterEach(async () => {
      await t.store.close();
    });

    describeRecords(t);
    describeListing(t);
    describeSearch(t);
    describeDeletion(t);
    describeJobs(t);
  });
}
