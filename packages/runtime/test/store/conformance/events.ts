import { describe, expect, it } from "vitest";
import { type ConformanceContext, rejectsWithCode } from "./context.ts";

/** Conformance: session events. */
export function describeEvents(t: ConformanceContext): void {
  describe("session events", () => {
    it("appends in order with sequence numbers 1, 2, 3... and reads them back with filters", async () => {
      await t.session(t.A, "s1");
      const first = await t.store.appendEvents(t.A, "s1", [
        { type: "run-start", runId: "r1", data: { input: [{ role: "user", content: "héllo ✓" }] } },
        { type: "text-delta", runId: "r1", data: { text: "a" } },
      ]);
      t.clock += 5;
      const second = await t.store.appendEvents(t.A, "s1", [
        { type: "text-delta", runId: "r1", data: { text: "b" } },
        { type: "run-end", runId: "r1", data: { text: "ab", nothing: null, list: [1, [2]] } },
        { type: "note", data: "no run" },
      ]);
      expect(first.map((e) => e.seq)).toEqual([1, 2]);
      expect(second.map((e) => e.seq)).toEqual([3, 4, 5]);
      const all = await t.store.listEvents(t.A, "s1");
      expect(all).toEqual([...first, ...second]);
      expect(all[0]).toEqual({
        tenantId: t.A,
        sessionId: "s1",
        seq: 1,
        runId: "r1",
        type: "run-start",
        data: { input: [{ role: "user", content: "héllo ✓" }] },
        createdAt: 1_000_000,
      });
      expect(all[4]?.runId).toBeUndefined();
      expect((await t.store.getSession(t.A, "s1"))?.lastSeq).toBe(5);
      expect((await t.store.getSession(t.A, "s1"))?.updatedAt).toBe(1_000_005);

      expect((await t.store.listEvents(t.A, "s1", { afterSeq: 3 })).map((e) => e.seq)).toEqual([4, 5]);
      expect((await t.store.listEvents(t.A, "s1", { runId: "r1", afterSeq: 1 })).map((e) => e.seq)).toEqual([
        2, 3, 4,
      ]);
      expect(
        (await t.store.listEvents(t.A, "s1", { types: ["text-delta", "note"] })).map((e) => e.seq),
      ).toEqual([2, 3, 5]);
      expect((await t.store.listEvents(t.A, "s1", { limit: 2, afterSeq: 1 })).map((e) => e.seq)).toEqual([
        2, 3,
      ]);
      expect((await t.store.lastEvent(t.A, "s1", "text-delta"))?.seq).toBe(3);
      expect(await t.store.lastEvent(t.A, "s1", "missing")).toBeUndefined();
    });

    it("never reads or writes another tenant's log", async () => {
      await t.session(t.A, "s1");
      await t.store.appendEvents(t.A, "s1", [{ type: "note", data: "secret" }]);
      await rejectsWithCode(
        t.store.appendEvents(t.B, "s1", [{ type: "note", data: "x" }]),
        "session_not_found",
      );
      await rejectsWithCode(
        t.store.appendEvents(t.A, "missing", [{ type: "note", data: "x" }]),
        "session_not_found",
      );
      expect(await t.store.listEvents(t.B, "s1")).toEqual([]);
      expect(await t.store.lastEvent(t.B, "s1", "note")).toBeUndefined();
      expect(await t.store.listEvents(t.A, "s1")).toHaveLength(1);
    });

    it("writes a batch entirely or not at all", async () => {
      await t.session(t.A, "s1");
      await t.store.appendEvents(t.A, "s1", [{ type: "note", data: 1 }]);
      const unserialisable = { type: "note", data: { big: 1n } };
      await expect(
        t.store.appendEvents(t.A, "s1", [
          { type: "note", data: 2 },
          { type: "note", data: 3 },
          unserialisable,
        ]),
      ).rejects.toThrow();
      expect((await t.store.listEvents(t.A, "s1")).map((e) => e.data)).toEqual([1]);
      expect((await t.store.getSession(t.A, "s1"))?.lastSeq).toBe(1);
      const [next] = await t.store.appendEvents(t.A, "s1", [{ type: "note", data: 4 }]);
      expect(next?.seq).toBe(2);
    });

    it("numbers concurrent appends without gaps or duplicates, each batch contiguous", async () => {
      await t.session(t.A, "s1");
      await t.session(t.A, "s2");
      const batches = Array.from({ length: 60 }, (_, i) =>
        Array.from({ length: (i % 3) + 1 }, (_, j) => ({ type: "note", data: { batch: i, item: j } })),
      );
      const results = await Promise.all(
        batches.map((batch, i) => t.store.appendEvents(t.A, i % 4 === 0 ? "s2" : "s1", batch)),
      );
      for (const appended of results) {
        const seqs = appended.map((e) => e.seq);
        expect(seqs).toEqual(seqs.map((_, k) => seqs[0]! + k));
      }
      for (const id of ["s1", "s2"]) {
        const events = await t.store.listEvents(t.A, id);
        expect(events.map((e) => e.seq)).toEqual(events.map((_, k) => k + 1));
        expect((await t.store.getSession(t.A, id))?.lastSeq).toBe(events.length);
      }
      const total = batches.reduce((n, b) => n + b.length, 0);
      const count =
        (await t.store.listEvents(t.A, "s1")).length + (await t.store.listEvents(t.A, "s2")).length;
      expect(count).toBe(total);
    });
  });
}
