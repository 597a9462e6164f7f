import { describe, expect, it } from "vitest";
import type { ConformanceContext } from "./context.ts";

/** Conformance: expiry and idempotency. */
export function describeExpiryAndIdempotency(t: ConformanceContext): void {
  describe("expiry", () => {
    it("expires idle sessions once, skipping those with a running run", async () => {
      await t.store.createSession({ tenantId: t.A, id: "old", agent: "echo", expiresAt: 1_000_100 });
      await t.store.createSession({ tenantId: t.B, id: "old-b", agent: "echo", expiresAt: 1_000_150 });
      await t.store.createSession({ tenantId: t.A, id: "busy", agent: "echo", expiresAt: 1_000_100 });
      await t.store.createSession({ tenantId: t.A, id: "fresh", agent: "echo", expiresAt: 1_000_500 });
      await t.store.createSession({ tenantId: t.A, id: "touched", agent: "echo", expiresAt: 1_000_100 });
      await t.run(t.A, "busy", "r1");
      await t.store.touchSession(t.A, "touched", { at: 1_000_050, expiresAt: 1_001_000 });

      expect(await t.store.expireSessions(1_000_099)).toEqual([]);
      const expired = await t.store.expireSessions(1_000_200);
      expect(expired.map((s) => `${s.tenantId}/${s.id}`)).toEqual([`${t.A}/old`, `${t.B}/old-b`]);
      expect(expired.every((s) => s.status === "expired")).toBe(true);
      expect((await t.store.getSession(t.A, "old"))?.status).toBe("expired");
      expect((await t.store.getSession(t.A, "busy"))?.status).toBe("active");
      expect(await t.store.expireSessions(1_000_200)).toEqual([]);
      expect((await t.store.listSessions(t.A, { status: "expired" })).items.map((s) => s.id)).toEqual([
        "old",
      ]);

      await t.store.transitionRun(t.A, "r1", "completed");
      expect((await t.store.expireSessions(1_000_200)).map((s) => s.id)).toEqual(["busy"]);
      expect((await t.store.expireSessions(2_000_000, 1)).map((s) => s.id)).toEqual(["fresh"]);
    });
  });

  describe("idempotency records", () => {
    it("keeps the first record per tenant and key", async () => {
      const first = await t.store.putIdempotencyRecord({
        tenantId: t.A,
        key: "r1:call_1",
        runId: "r1",
        result: { content: "42", isError: false },
      });
      expect(first).toEqual({
        tenantId: t.A,
        key: "r1:call_1",
        runId: "r1",
        result: { content: "42", isError: false },
        createdAt: 1_000_000,
      });
      t.clock += 1;
      const again = await t.store.putIdempotencyRecord({
        tenantId: t.A,
        key: "r1:call_1",
        runId: "r1",
        result: "other",
      });
      expect(again).toEqual(first);
      expect(await t.store.getIdempotencyRecord(t.A, "r1:call_1")).toEqual(first);
      expect(await t.store.getIdempotencyRecord(t.B, "r1:call_1")).toBeUndefined();
      const theirs = await t.store.putIdempotencyRecord({
        tenantId: t.B,
        key: "r1:call_1",
        runId: "x",
        result: 1,
      });
      expect(theirs.result).toBe(1);
      expect((await t.store.getIdempotencyRecord(t.A, "r1:call_1"))?.result).toEqual({
        content: "42",
        isError: false,
      });
    });

    it("records concurrent writers of one key once", async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          t.store.putIdempotencyRecord({ tenantId: t.A, key: "k", runId: "r", result: i }),
        ),
      );
      expect(new Set(results.map((r) => r.result)).size).toBe(1);
    });
  });
}
