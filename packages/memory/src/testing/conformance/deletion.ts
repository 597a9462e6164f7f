import { describe, expect, it } from "vitest";
import { axis, type ConformanceContext } from "./context.ts";

export function describeDeletion(t: ConformanceContext): void {
  describe("deletion", () => {
    it("deletes a record from every index, with its history", async () => {
      const record = await t.create(t.A, { text: "Secret passphrase is zebra" }, axis(3));
      const kept = await t.create(t.A, { text: "The zebra at the zoo" }, axis(3, 4, 0.3));
      expect(await t.store.deleteRecord(t.A, record.id)).toBe(1);
      expect(await t.store.get(t.A, record.id)).toBeUndefined();
      expect(await t.store.history(t.A, record.id)).toEqual([]);
      expect(
        (await t.store.searchText(t.A, "passphrase zebra", { status: "any" })).map((h) => h.record.id),
      ).toEqual([kept.id]);
      expect((await t.store.searchVector(t.A, axis(3), { status: "any" })).map((h) => h.record.id)).toEqual([
        kept.id,
      ]);
      expect(await t.store.deleteRecord(t.A, record.id)).toBe(0);
    });

    it("deletes the older versions a record superseded and unlinks newer ones", async () => {
      const v1 = await t.create(t.A, { text: "Lives in Oslo" }, axis(1));
      const v2 = (
        await t.store.apply(t.A, [
          {
            op: "supersede",
            id: v1.id,
            reason: "updated",
            record: { namespace: "/t/a", kind: "fact", text: "Lives in Bergen" },
            embedding: axis(1),
          },
        ])
      ).created[0]!;
      const v3 = (
        await t.store.apply(t.A, [
          {
            op: "supersede",
            id: v2.id,
            reason: "updated",
            record: { namespace: "/t/a", kind: "fact", text: "Lives in Tromso" },
          },
        ])
      ).created[0]!;
      expect(await t.store.deleteRecord(t.A, v2.id)).toBe(2);
      expect(await t.store.get(t.A, v1.id)).toBeUndefined();
      expect((await t.store.get(t.A, v3.id))?.supersedes).toBeUndefined();
      expect(await t.store.searchText(t.A, "Oslo Bergen", { status: "any" })).toEqual([]);
      expect(await t.store.searchVector(t.A, axis(1), { status: "any" })).toEqual([]);
    });

    it("never deletes another tenant's record", async () => {
      const record = await t.create(t.A, { id: "shared-id", text: "tenant A keeps this" });
      expect(await t.store.deleteRecord(t.B, "shared-id")).toBe(0);
      expect(await t.store.get(t.A, record.id)).toBeDefined();
      expect(await t.store.deleteNamespace(t.B, "/t")).toBe(0);
      expect((await t.store.list(t.A)).records).toHaveLength(1);
    });

    it("deletes an actor's whole namespace, any status, expired too, and its jobs", async () => {
      const root = "/tenants/a/actors/u1";
      const a = await t.create(t.A, { namespace: `${root}/facts`, text: "u1 fact alpha" }, axis(0));
      await t.store.apply(t.A, [
        {
          op: "supersede",
          id: a.id,
          reason: "updated",
          record: { namespace: `${root}/facts`, kind: "fact", text: "u1 fact beta" },
          embedding: axis(0),
        },
      ]);
      await t.create(t.A, {
        namespace: `${root}/preferences`,
        kind: "preference",
        text: "u1 likes alpha",
        expiresAt: t.clock + 1,
      });
      await t.create(t.A, { namespace: "/tenants/a/actors/u10/facts", text: "u10 fact alpha" }, axis(0));
      await t.create(t.B, { namespace: `${root}/facts`, text: "other tenant u1 fact alpha" }, axis(0));
      const job = await t.store.createJob(t.A, {
        namespace: root,
        trigger: "manual",
        strategies: ["semantic"],
        messageCount: 2,
      });
      const otherJob = await t.store.createJob(t.A, {
        namespace: "/tenants/a/actors/u10",
        trigger: "manual",
        strategies: [],
        messageCount: 1,
      });
      t.clock += 10;
      expect(await t.store.deleteNamespace(t.A, root)).toBe(3);
      expect(
        (await t.store.list(t.A, { namespacePrefix: root, status: "any", includeExpired: true })).records,
      ).toEqual([]);
      expect(
        (await t.store.searchText(t.A, "alpha beta", { status: "any", includeExpired: true })).map(
          (h) => h.record.text,
        ),
      ).toEqual(["u10 fact alpha"]);
      expect((await t.store.searchVector(t.A, axis(0), { status: "any" })).map((h) => h.record.text)).toEqual(
        ["u10 fact alpha"],
      );
      expect(await t.store.getJob(t.A, job.id)).toBeUndefined();
      expect(await t.store.getJob(t.A, otherJob.id)).toBeDefined();
      expect((await t.store.list(t.B)).records).toHaveLength(1);
    });

    it("refuses the writes of a job whose namespace was deleted while it ran", async () => {
      const job = await t.store.createJob(t.A, {
        namespace: "/t/gone",
        trigger: "turns",
        strategies: [],
        messageCount: 1,
      });
      await t.store.deleteNamespace(t.A, "/t/gone");
      await expect(
        t.store.apply(
          t.A,
          [{ op: "create", record: { namespace: "/t/gone/facts", kind: "fact", text: "resurrected" } }],
          {
            jobId: job.id,
          },
        ),
      ).rejects.toMatchObject({ code: "extraction_job_not_found" });
      expect((await t.store.list(t.A, { namespacePrefix: "/t/gone" })).records).toEqual([]);
    });
  });
}
