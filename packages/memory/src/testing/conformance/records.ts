import { describe, expect, it } from "vitest";
import type { ConformanceContext } from "./context.ts";

export function describeRecords(t: ConformanceContext): void {
  describe("records", () => {
    it("creates a record with defaults and returns it from get", async () => {
      const record = await t.create(t.A, { namespace: "/t/a/facts", kind: "fact", text: "Likes green tea" });
      expect(record).toMatchObject({
        tenantId: t.A,
        namespace: "/t/a/facts",
        kind: "fact",
        text: "Likes green tea",
        status: "active",
        createdAt: t.clock,
        updatedAt: t.clock,
        provenance: { eventIds: [] },
      });
      expect(record.id).toMatch(/\S/);
      expect(await t.store.get(t.A, record.id)).toEqual(record);
    });

    it("keeps provenance, metadata, expiry and an explicit createdAt", async () => {
      const record = await t.create(t.A, {
        id: "r-1",
        text: "Ships to Lyon",
        provenance: { sessionId: "s-1", eventIds: ["7", "8"], source: "semantic" },
        metadata: { confidence: 0.9 },
        expiresAt: t.clock + 1000,
        createdAt: t.clock - 5000,
      });
      expect(record).toMatchObject({
        id: "r-1",
        provenance: { sessionId: "s-1", eventIds: ["7", "8"], source: "semantic" },
        metadata: { confidence: 0.9 },
        expiresAt: t.clock + 1000,
        createdAt: t.clock - 5000,
      });
    });

    it("scopes records by tenant: the same id lives apart in two tenants", async () => {
      await t.create(t.A, { id: "same", text: "tenant A text" });
      expect(await t.store.get(t.B, "same")).toBeUndefined();
      await t.create(t.B, { id: "same", text: "tenant B text" });
      expect((await t.store.get(t.A, "same"))?.text).toBe("tenant A text");
      expect((await t.store.get(t.B, "same"))?.text).toBe("tenant B text");
      await expect(t.create(t.A, { id: "same", text: "again" })).rejects.toMatchObject({
        code: "invalid_memory_input",
      });
    });

    it("rejects invalid namespaces, kinds and empty text", async () => {
      for (const namespace of ["facts", "/", "/a//b", "/a/", "/a/\u0000b"])
        await expect(t.create(t.A, { namespace, text: "x" })).rejects.toMatchObject({
          code: "invalid_memory_input",
        });
      await expect(t.create(t.A, { text: "   " })).rejects.toMatchObject({ code: "invalid_memory_input" });
      await expect(t.create(t.A, { kind: "Bad Kind", text: "x" })).rejects.toMatchObject({
        code: "invalid_memory_input",
      });
      expect((await t.store.list(t.A)).records).toEqual([]);
    });

    it("applies a batch atomically: a failing op leaves nothing written", async () => {
      const existing = await t.create(t.A, { text: "kept as it was" });
      await expect(
        t.store.apply(t.A, [
          { op: "create", record: { namespace: "/t/a", kind: "fact", text: "half written" } },
          { op: "update", id: existing.id, patch: { text: "changed" } },
          { op: "retire", id: "missing", reason: "manual" },
        ]),
      ).rejects.toMatchObject({ code: "memory_record_not_found" });
      const page = await t.store.list(t.A, { status: "any" });
      expect(page.records.map((r) => r.text)).toEqual(["kept as it was"]);
      expect(await t.store.searchText(t.A, "half written")).toEqual([]);
      expect(await t.store.history(t.A, existing.id)).toHaveLength(1);
    });

    it("updates in place and keeps the previous text in the history", async () => {
      const record = await t.create(t.A, { text: "Lives in London" });
      t.clock += 10;
      const [updated] = (
        await t.store.apply(t.A, [
          { op: "update", id: record.id, patch: { text: "Lives in Paris" }, reason: "api" },
        ])
      ).updated;
      expect(updated).toMatchObject({
        id: record.id,
        text: "Lives in Paris",
        updatedAt: t.clock,
        createdAt: record.createdAt,
      });
      const history = await t.store.history(t.A, record.id);
      expect(history.map((h) => h.action)).toEqual(["created", "updated"]);
      expect(history[1]).toMatchObject({ previousText: "Lives in London", reason: "api", at: t.clock });
      expect((await t.store.searchText(t.A, "London")).length).toBe(0);
      expect((await t.store.searchText(t.A, "Paris")).map((h) => h.record.id)).toEqual([record.id]);
    });

    it("supersedes: the old record is retired and linked, the new one active, both histories kept", async () => {
      const old = await t.create(t.A, { text: "Prefers window seats" });
      const job = await t.store.createJob(t.A, {
        namespace: "/t/a",
        trigger: "manual",
        strategies: [],
        messageCount: 1,
      });
      t.clock += 10;
      const result = await t.store.apply(
        t.A,
        [
          {
            op: "supersede",
            id: old.id,
            reason: "contradicted",
            record: { namespace: old.namespace, kind: "preference", text: "Prefers aisle seats" },
          },
        ],
        { jobId: job.id },
      );
      const created = result.created[0]!;
      expect(created).toMatchObject({ status: "active", supersedes: old.id, provenance: { jobId: job.id } });
      expect(result.retired[0]).toMatchObject({
        id: old.id,
        status: "retired",
        retiredReason: "contradicted",
        supersededBy: created.id,
      });
      const oldHistory = await t.store.history(t.A, old.id);
      expect(oldHistory.map((h) => [h.action, h.relatedId, h.jobId])).toEqual([
        ["created", undefined, undefined],
        ["superseded", created.id, job.id],
      ]);
      expect((await t.store.history(t.A, created.id))[0]).toMatchObject({
        action: "created",
        relatedId: old.id,
      });
      expect((await t.store.list(t.A)).records.map((r) => r.id)).toEqual([created.id]);
      expect((await t.store.list(t.A, { status: "retired" })).records.map((r) => r.id)).toEqual([old.id]);
      expect((await t.store.searchText(t.A, "seats")).map((h) => h.record.id)).toEqual([created.id]);
      expect((await t.store.searchText(t.A, "seats", { status: "any" })).length).toBe(2);
    });

    it("retires once; retired records cannot be updated or superseded", async () => {
      const record = await t.create(t.A, { text: "Old fact" });
      await t.store.apply(t.A, [{ op: "retire", id: record.id, reason: "manual" }]);
      expect(await t.store.get(t.A, record.id)).toMatchObject({ status: "retired", retiredReason: "manual" });
      for (const op of [
        { op: "retire" as const, id: record.id, reason: "manual" },
        { op: "update" as const, id: record.id, patch: { text: "x" } },
      ])
        await expect(t.store.apply(t.A, [op])).rejects.toMatchObject({ code: "memory_record_not_found" });
      await expect(t.store.apply(t.B, [{ op: "retire", id: "nope", reason: "x" }])).rejects.toMatchObject({
        code: "memory_record_not_found",
      });
    });
  });
}
