import { describe, expect, it } from "vitest";
import { type ConformanceContext, rejectsWithCode } from "./context.ts";

/** Conformance: sessions. */
export function describeSessions(t: ConformanceContext): void {
  describe("sessions", () => {
    it("round-trips a session and scopes reads by tenant", async () => {
      const created = await t.store.createSession({
        tenantId: t.A,
        id: "s1",
        agent: "echo",
        actorId: "user-1",
        metadata: { topic: "净利润", nested: { n: 1 } },
        expiresAt: 2_000_000,
      });
      expect(created).toEqual({
        id: "s1",
        tenantId: t.A,
        agent: "echo",
        actorId: "user-1",
        status: "active",
        metadata: { topic: "净利润", nested: { n: 1 } },
        lastSeq: 0,
        createdAt: 1_000_000,
        updatedAt: 1_000_000,
        expiresAt: 2_000_000,
      });
      expect(await t.store.getSession(t.A, "s1")).toEqual(created);
      expect(await t.store.getSession(t.B, "s1")).toBeUndefined();
      expect((await t.store.listSessions(t.B)).items).toEqual([]);
    });

    it("keeps ids per tenant: the same id in two tenants is two sessions", async () => {
      await t.session(t.A, "same", { agent: "a" });
      await t.session(t.B, "same", { agent: "b" });
      await rejectsWithCode(t.session(t.A, "same"), "already_exists");
      await rejectsWithCode(t.session("nope", "x"), "tenant_not_found");
      expect((await t.store.getSession(t.A, "same"))?.agent).toBe("a");
      expect((await t.store.getSession(t.B, "same"))?.agent).toBe("b");
    });

    it("lists newest first with filters and a cursor that visits each session once", async () => {
      for (let i = 0; i < 5; i++) {
        t.clock += 1;
        await t.session(t.A, `s${i}`, { actorId: i % 2 === 0 ? "even" : "odd", agent: i < 3 ? "x" : "y" });
      }
      await t.session(t.B, "other");
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await t.store.listSessions(t.A, { limit: 2, cursor });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((s) => s.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(["s4", "s3", "s2", "s1", "s0"]);
      expect((await t.store.listSessions(t.A, { actorId: "even" })).items.map((s) => s.id)).toEqual([
        "s4",
        "s2",
        "s0",
      ]);
      expect((await t.store.listSessions(t.A, { agent: "y" })).items.map((s) => s.id)).toEqual(["s4", "s3"]);
      await rejectsWithCode(t.store.listSessions(t.A, { cursor: "not-a-cursor" }), "invalid_cursor");
    });

    it("touches only the tenant's own session", async () => {
      await t.session(t.A, "s1");
      expect(await t.store.touchSession(t.B, "s1", { at: 5, expiresAt: 6 })).toBeUndefined();
      const touched = await t.store.touchSession(t.A, "s1", { at: 1_000_500, expiresAt: 3_000_000 });
      expect(touched).toMatchObject({ updatedAt: 1_000_500, expiresAt: 3_000_000 });
      expect(await t.store.getSession(t.A, "s1")).toEqual(touched);
    });

    it("deletes a session with its events, runs and idempotency records, never another tenant's", async () => {
      await t.session(t.A, "s1");
      await t.run(t.A, "s1", "r1");
      await t.store.appendEvents(t.A, "s1", [{ type: "note", data: 1, runId: "r1" }]);
      await t.store.putIdempotencyRecord({ tenantId: t.A, key: "r1:call1", runId: "r1", result: "ok" });
      await rejectsWithCode(t.store.deleteSession(t.A, "s1"), "session_busy");
      await t.store.transitionRun(t.A, "r1", "completed");

      expect(await t.store.deleteSession(t.B, "s1")).toBe(false);
      expect(await t.store.getSession(t.A, "s1")).toBeDefined();
      expect(await t.store.deleteSession(t.A, "s1")).toBe(true);
      expect(await t.store.deleteSession(t.A, "s1")).toBe(false);
      expect(await t.store.getSession(t.A, "s1")).toBeUndefined();
      expect(await t.store.getRun(t.A, "r1")).toBeUndefined();
      expect(await t.store.getIdempotencyRecord(t.A, "r1:call1")).toBeUndefined();
      // t.A new session under the same id starts a fresh log.
      await t.session(t.A, "s1");
      expect(await t.store.listEvents(t.A, "s1")).toEqual([]);
      const [first] = await t.store.appendEvents(t.A, "s1", [{ type: "note", data: 2 }]);
      expect(first?.seq).toBe(1);
    });
  });
}
