import { scriptedModel } from "@skein/core/testing";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import {
  gate,
  gateTool,
  makeAgent,
  problemOf,
  readSse,
  startTestServer,
  type TestServer,
} from "./harness.ts";

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe("rate limit per API key (token bucket)", () => {
  it("answers 429 rate_limited with Retry-After once a key's burst is spent, per key, refilled over time", async () => {
    let clock = Date.parse("2025-06-01T00:00:00Z");
    t = await startTestServer([makeAgent("echo", scriptedModel([]))], {
      app: { rateLimit: { burst: 2, perSecond: 0.5 }, now: () => clock },
    });
    expect((await t.call("/v1/agents")).status).toBe(200);
    expect((await t.call("/v1/sessions")).status).toBe(200);
    const limited = await t.call("/v1/agents");
    expect(limited.headers.get("retry-after")).toBe("2");
    expect(await problemOf(limited)).toMatchObject({
      status: 429,
      code: "rate_limited",
      retryAfterSeconds: 2,
    });
    // Another key of another tenant has its own bucket; /ping is never limited.
    expect((await t.call("/v1/agents", { key: t.keyB })).status).toBe(200);
    expect((await t.call("/ping", { key: null })).status).toBe(200);
    // The OpenAI paths say it in OpenAI's envelope, with the same header.
    const openai = await t.call("/v1/models");
    expect(openai.status).toBe(429);
    expect(openai.headers.get("retry-after")).toBe("2");
    expect(await openai.json()).toMatchObject({ error: { type: "rate_limit_error", code: "rate_limited" } });
    const client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.keyA, maxRetries: 0 });
    await expect(client.models.list()).rejects.toMatchObject({ status: 429 });

    clock += 2000; // one token back
    expect((await t.call("/v1/agents")).status).toBe(200);
    expect((await t.call("/v1/agents")).status).toBe(429);
  });

  it("does not limit dev mode requests without a key", async () => {
    t = await startTestServer([makeAgent("echo", scriptedModel([]))], {
      dev: true,
      app: { rateLimit: { burst: 1, perSecond: 0.001 } },
    });
    for (let i = 0; i < 3; i++) expect((await t.call("/v1/agents", { key: null })).status).toBe(200);
    expect((await t.call("/v1/agents")).status).toBe(200);
    expect((await t.call("/v1/agents")).status).toBe(429);
  });
});

describe("max concurrent runs per tenant", () => {
  it("answers 429 tenant_run_limit beyond the cap, leaves other tenants alone, and frees the slot when a run ends", async () => {
    const release = gate();
    const model = scriptedModel([
      { toolCalls: [{ id: "c1", name: "wait_for_gate", arguments: {} }] },
      { text: "held run done" },
      { text: "tenant b" },
      { text: "after the slot freed" },
    ]);
    t = await startTestServer([makeAgent("echo", model, { tools: [gateTool(release.promise)] })], {
      app: { maxRunsPerTenant: 1 },
    });
    const held = await (
      await t.call("/v1/agents/echo/invocations", { method: "POST", json: { input: "hold", async: true } })
    ).json();
    await readSse(await t.call(`/v1/runs/${held.id}/events`), (e) => e.event === "tool-call");

    const refused = await t.call("/v1/agents/echo/invocations", {
      method: "POST",
      json: { input: "second" },
    });
    expect(await problemOf(refused)).toMatchObject({ status: 429, code: "tenant_run_limit" });
    const viaOpenAI = await t.call("/v1/chat/completions", {
      method: "POST",
      json: { model: "echo", messages: [{ role: "user", content: "third" }] },
    });
    expect(viaOpenAI.status).toBe(429);
    expect(await viaOpenAI.json()).toMatchObject({ error: { code: "tenant_run_limit" } });
    // No session or run was left behind by the refused invocations.
    expect((await t.server.store.listRuns("tenant-a")).map((r) => r.id)).toEqual([held.id]);
    expect((await t.server.store.listSessions("tenant-a")).items.map((s) => s.id)).toEqual([held.sessionId]);

    const other = await t.call("/v1/agents/echo/invocations", {
      method: "POST",
      json: { input: "b" },
      key: t.keyB,
    });
    expect(other.status).toBe(200);

    release.open();
    const run = (await t.server.store.getRun("tenant-a", held.id))!;
    expect((await t.server.handle.runs.wait(run)).status).toBe("completed");
    const again = await t.call("/v1/agents/echo/invocations", { method: "POST", json: { input: "again" } });
    expect(again.status).toBe(200);
  });
});
