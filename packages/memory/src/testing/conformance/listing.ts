import { describe, expect, it } from "vitest";
import type { ConformanceContext } from "./context.ts";

export function describeListing(t: ConformanceContext): void {
  describe("listing and filters", () => {
    it("lists newest first and pages with a cursor", async () => {
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) {
        t.clock += 1;
        ids.push((await t.create(t.A, { text: `record ${i}` })).id);
      }
      await t.create(t.B, { text: "other tenant" });
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await t.store.list(t.A, { limit: 3, cursor });
        expect(page.records.length).toBeLessThanOrEqual(3);
        seen.push(...page.records.map((r) => r.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(ids.reverse());
      await expect(t.store.list(t.A, { cursor: "not-a-cursor" })).rejects.toMatchObject({
        code: "invalid_memory_input",
      });
    });

    it("matches namespace prefixes by whole, case-sensitive segments", async () => {
      await t.create(t.A, { namespace: "/tenants/a/actors/bob", text: "bob root" });
      await t.create(t.A, { namespace: "/tenants/a/actors/bob/facts", text: "bob fact" });
      await t.create(t.A, { namespace: "/tenants/a/actors/bobby/facts", text: "bobby fact" });
      await t.create(t.A, { namespace: "/tenants/a/actors/Bob/facts", text: "capital Bob fact" });
      await t.create(t.A, { namespace: "/tenants/a/actors/bob%/facts", text: "percent fact" });
      const texts = async (prefix: string) =>
        (await t.store.list(t.A, { namespacePrefix: prefix })).records.map((r) => r.text).sort();
      expect(await texts("/tenants/a/actors/bob")).toEqual(["bob fact", "bob root"]);
      expect(await texts("/tenants/a/actors/bob/")).toEqual(["bob fact", "bob root"]);
      expect(await texts("/tenants/a/actors/bob/facts")).toEqual(["bob fact"]);
      expect(await texts("/tenants/a/actors/Bob")).toEqual(["capital Bob fact"]);
      expect(await texts("/")).toHaveLength(5);
      expect(
        (await t.store.searchText(t.A, "fact", { namespacePrefix: "/tenants/a/actors/bob" })).length,
      ).toBe(1);
    });

    it("filters by kind and creation time", async () => {
      await t.create(t.A, { kind: "fact", text: "one", createdAt: 100 });
      await t.create(t.A, { kind: "preference", text: "two", createdAt: 200 });
      await t.create(t.A, { kind: "episode", text: "three", createdAt: 300 });
      await t.create(t.A, { kind: "todo", text: "four", createdAt: 400 });
      const texts = async (filter: object) =>
        (await t.store.list(t.A, filter)).records.map((r) => r.text).sort();
      expect(await texts({ kinds: ["preference", "todo"] })).toEqual(["four", "two"]);
      expect(await texts({ createdAfter: 200, createdBefore: 400 })).toEqual(["three", "two"]);
      await expect(t.store.list(t.A, { kinds: [] })).rejects.toMatchObject({ code: "invalid_memory_input" });
    });

    it("hides expired records unless asked, and purges them across tenants", async () => {
      await t.create(t.A, { text: "expires soon", expiresAt: t.clock + 100 });
      await t.create(t.B, { text: "expires soon too", expiresAt: t.clock + 50 });
      await t.create(t.A, { text: "stays" });
      expect((await t.store.list(t.A)).records).toHaveLength(2);
      t.clock += 100;
      expect((await t.store.list(t.A)).records.map((r) => r.text)).toEqual(["stays"]);
      expect(await t.store.searchText(t.A, "expires")).toEqual([]);
      expect((await t.store.list(t.A, { includeExpired: true })).records).toHaveLength(2);
      expect(await t.store.purgeExpired(t.clock)).toBe(2);
      expect((await t.store.list(t.A, { includeExpired: true })).records.map((r) => r.text)).toEqual([
        "stays",
      ]);
      expect((await t.store.list(t.B, { includeExpired: true })).records).toEqual([]);
    });
  });
}
