import { scriptedModel } from "@skein/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createApiKey, hashApiKey, revokeApiKey } from "../../src/keys/api-keys.ts";
import { startServer } from "../../src/server.ts";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import { makeAgent, problemOf, startTestServer, type TestServer } from "./harness.ts";

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe("API keys", () => {
  it("requires a key on every endpoint except /ping", async () => {
    t = await startTestServer([makeAgent("echo", scriptedModel([]))]);
    const endpoints: [string, string][] = [
      ["GET", "/v1/agents"],
      ["GET", "/v1/agents/echo"],
      ["GET", "/v1/sessions"],
      ["POST", "/v1/sessions"],
      ["GET", "/v1/sessions/x"],
      ["DELETE", "/v1/sessions/x"],
      ["GET", "/v1/sessions/x/events"],
      ["POST", "/v1/agents/echo/invocations"],
      ["GET", "/v1/runs/x"],
      ["GET", "/v1/runs/x/events"],
      ["POST", "/v1/runs/x/cancel"],
      ["POST", "/invocations"],
    ];
    for (const [method, path] of endpoints) {
      const response = await t.call(path, { method, key: null, json: method === "POST" ? {} : undefined });
      expect(response.status, `${method} ${path}`).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="skein"');
      expect(await problemOf(response)).toMatchObject({
        status: 401,
        code: "unauthorized",
        title: "Unauthorized",
      });
    }
    const ping = await t.call("/ping", { key: null });
    expect(ping.status).toBe(200);
    expect(await ping.json()).toMatchObject({ status: "Healthy" });
  });

  it("requires a key on every operation the OpenAPI document does not mark public", async () => {
    t = await startTestServer([makeAgent("echo", scriptedModel([]))]);
    const doc = await (await t.call("/v1/openapi.json", { key: null })).json();
    const checked: string[] = [];
    for (const [template, item] of Object.entries<any>(doc.paths))
      for (const [method, op] of Object.entries<any>(item)) {
        if (op.security?.length === 0) continue; // /ping, /v1/openapi.json, /metrics (its own token)
        const path = template.replace(/\{\w+\}/g, "echo");
        // Upper case: fetch normalises only some methods, and Node refuses a lower-case "patch".
        const response = await t.call(path, {
          method: method.toUpperCase(),
          key: null,
          json: method === "post" || method === "patch" ? {} : undefined,
        });
        expect(response.status, `${method} ${path}`).toBe(401);
        checked.push(`${method} ${template}`);
      }
    expect(checked).toContain("post /invocations"); // AgentCore's route is secure by default too
    expect(checked.length).toBeGreaterThanOrEqual(15);
  });

  it("refuses malformed, unknown and revoked keys, and accepts a valid one", async () => {
    t = await startTestServer([makeAgent("echo", scriptedModel([]))]);
    expect((await t.call("/v1/agents")).status).toBe(200);

    const malformed = await t.call("/v1/agents", { headers: { authorization: "Basic abc" }, key: null });
    expect((await problemOf(malformed)).code).toBe("unauthorized");
    for (const key of [
      "sk-skein-nope",
      `${t.keyA.slice(0, -4)}AAAA`,
      "sk-skein-0123456789abcdef_" + "A".repeat(43),
    ]) {
      const response = await t.call("/v1/agents", { key });
      expect(response.status).toBe(401);
      expect((await problemOf(response)).code).toBe("invalid_api_key");
    }

    const store = t.server.store;
    const created = await createApiKey(store, "tenant-c", { name: "to revoke" });
    expect((await t.call("/v1/agents", { key: created.key })).status).toBe(200);
    expect(await revokeApiKey(store, "tenant-a", created.record.id)).toBe(false);
    expect((await t.call("/v1/agents", { key: created.key })).status).toBe(200);
    expect(await revokeApiKey(store, "tenant-c", created.record.id)).toBe(true);
    const revoked = await t.call("/v1/agents", { key: created.key });
    expect((await problemOf(revoked)).code).toBe("invalid_api_key");
  });

  it("stores only a hash of each key, found by the key's public id", async () => {
    const store = openSqliteStore({ path: ":memory:" });
    const { key, record } = await createApiKey(store, "acme");
    expect(key).toMatch(/^sk-skein-[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(key).toContain(record.id);
    expect(record).toMatchObject({ tenantId: "acme", hash: hashApiKey(key) });
    const rows = store.db.prepare("SELECT * FROM api_keys").all();
    expect(JSON.stringify(rows)).not.toContain(key.slice("sk-skein-".length + 17));
    expect(await store.getTenant("acme")).toBeDefined();
    await store.close();
  });
});

describe("dev mode", () => {
  it("serves requests without a key as tenant 'dev' on loopback, with a visible warning", async () => {
    t = await startTestServer([makeAgent("echo", scriptedModel([{ text: "hi" }]))], { dev: true });
    const warning = t.logs.find((line) => line.level === 40 && /DEV MODE/.test(line.msg));
    expect(warning).toBeDefined();
    const created = await t.call("/v1/sessions", { method: "POST", key: null, json: { agent: "echo" } });
    expect(created.status).toBe(201);
    const { id } = await created.json();
    expect((await t.call(`/v1/sessions/${id}`, { key: null })).status).toBe(200);
    expect(await t.server.store.getSession("dev", id)).toBeDefined();
    // A key that is sent is still checked, and scopes the request to its tenant.
    expect((await t.call(`/v1/sessions/${id}`, { key: t.keyA })).status).toBe(404);
    expect((await t.call("/v1/agents", { key: "sk-skein-bad" })).status).toBe(401);
    // AgentCore's /invocations needs no key in dev mode only.
    const agentCore = await t.call("/invocations", { method: "POST", key: null, json: { prompt: "hello" } });
    expect(agentCore.status).toBe(200);
    expect(await agentCore.json()).toMatchObject({ status: "success", response: "hi" });
  });

  it("refuses to start in dev mode on a non-loopback address", async () => {
    for (const host of ["0.0.0.0", "::", "192.168.1.10"]) {
      await expect(
        startServer({ agents: [], dev: true, host, port: 0, store: openSqliteStore({ path: ":memory:" }) }),
      ).rejects.toMatchObject({
        code: "dev_mode_not_loopback",
      });
    }
  });
});
