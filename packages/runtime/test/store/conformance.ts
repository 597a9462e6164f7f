import { afterEach, beforeEach, describe } from "vitest";
import type { Store } from "../../src/store/store.ts";
import { describeBranches } from "./conformance/branches.ts";
import type { ConformanceContext } from "./conformance/context.ts";
import { describeEvents } from "./conformance/events.ts";
import { describeExpiryAndIdempotency } from "./conformance/expiry-and-idempotency.ts";
import { describeHistoryAndRecovery } from "./conformance/history-and-recovery.ts";
import { describeRuns } from "./conformance/runs.ts";
import { describeSessions } from "./conformance/sessions.ts";
import { describeTenantsAndKeys } from "./conformance/tenants-and-keys.ts";

/** Builds a fresh, empty store whose clock is `now`. */
export type MakeStore = (options: { now: () => number }) => Store | Promise<Store>;

/**
 * The storage conformance suite: every `Store` adapter (SQLite today, PostgreSQL later) must pass it unchanged.
 * Tenant scoping on every read, append ordering, concurrent appends, atomic batches, run state transitions,
 * expiry, idempotency records, session history, session branches and the runs a start recovers. Call it from a test file:
 * `runStoreConformance("sqlite :memory:", ({ now }) => openSqliteStore({ path: ":memory:", now }))`.
 */
export function runStoreConformance(name: string, makeStore: MakeStore): void {
  describe(`store conformance: ${name}`, () => {
    const t: ConformanceContext = {
      store: undefined as unknown as Store,
      clock: 0,
      A: "tenant-a",
      B: "tenant-b",
      session: (tenantId, id, extra = {}) =>
        t.store.createSession({
          tenantId,
          id,
          agent: extra.agent ?? "echo",
          actorId: extra.actorId,
          expiresAt: t.clock + 60_000,
        }),
      run: (tenantId, sessionId, id, status = "running") =>
        t.store.createRun({ tenantId, sessionId, id, agent: "echo", status }),
    };

    beforeEach(async () => {
      t.clock = 1_000_000;
      t.store = await makeStore({ now: () => t.clock });
      await t.store.createTenant({ id: t.A, name: "Tenant A" });
      await t.store.createTenant({ id: t.B });
    });
    afterEach(async () => {
      await t.store.close();
    });

    describeTenantsAndKeys(t);
    describeSessions(t);
    describeEvents(t);
    describeRuns(t);
    describeExpiryAndIdempotency(t);
    describeHistoryAndRecovery(t);
    describeBranches(t);
  });
}
