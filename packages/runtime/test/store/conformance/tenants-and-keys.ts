import { describe, expect, it } from "vitest";
import { type ConformanceContext, rejectsWithCode } from "./context.ts";

/** Conformance: tenants and api keys. */
export function describeTenantsAndKeys(t: ConformanceContext): void {
  describe("tenants", () => {
    it("creates, reads and lists tenants; a taken id is refused; ensureTenant is idempotent", async () => {
      expect(await t.store.getTenant(t.A)).toEqual({ id: t.A, name: "Tenant A", createdAt: 1_000_000 });
      expect((await t.store.getTenant(t.B))?.name).toBe(t.B);
      await rejectsWithCode(t.store.createTenant({ id: t.A }), "already_exists");
      expect(await t.store.ensureTenant({ id: t.A, name: "other" })).toMatchObject({
        id: t.A,
        name: "Tenant A",
      });
      await t.store.ensureTenant({ id: "tenant-c" });
      expect((await t.store.listTenants()).map((tenant) => tenant.id).sort()).toEqual([t.A, t.B, "tenant-c"]);
      expect(await t.store.getTenant("nope")).toBeUndefined();
    });
  });

  describe("api keys", () => {
    it("stores hashed keys scoped to one tenant and revokes them once", async () => {
      const key = await t.store.createApiKey({
        id: "key1",
        tenantId: t.A,
        hash: "ab".repeat(32),
        name: "ci",
      });
      expect(key).toEqual({
        id: "key1",
        tenantId: t.A,
        hash: "ab".repeat(32),
        name: "ci",
        createdAt: 1_000_000,
      });
      expect(await t.store.findApiKeyForAuth("key1")).toEqual(key);
      expect(await t.store.findApiKeyForAuth("missing")).toBeUndefined();
      expect(await t.store.listApiKeys(t.A)).toEqual([key]);
      expect(await t.store.listApiKeys(t.B)).toEqual([]);

      expect(await t.store.revokeApiKey(t.B, "key1")).toBe(false);
      expect((await t.store.findApiKeyForAuth("key1"))?.revokedAt).toBeUndefined();
      t.clock += 10;
      expect(await t.store.revokeApiKey(t.A, "key1")).toBe(true);
      t.clock += 10;
      expect(await t.store.revokeApiKey(t.A, "key1")).toBe(true);
      expect((await t.store.findApiKeyForAuth("key1"))?.revokedAt).toBe(1_000_010);
    });

    it("refuses a duplicate id and an unknown tenant", async () => {
      await t.store.createApiKey({ id: "key1", tenantId: t.A, hash: "h" });
      await rejectsWithCode(t.store.createApiKey({ id: "key1", tenantId: t.B, hash: "h" }), "already_exists");
      await rejectsWithCode(
        t.store.createApiKey({ id: "key2", tenantId: "nope", hash: "h" }),
        "tenant_not_found",
      );
    });
  });
}
