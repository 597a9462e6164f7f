import { scriptedModel } from "@skein/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { makeAgent, problemOf, startTestServer, type TestServer } from "./harness.ts";

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe("sessions", () => {
  it("creates, lists (paged, filtered), gets and deletes sessions", async () => {
    t = await startTestServer([
      makeAgent("echo", scriptedModel([{ text: "ok" }])),
      makeAgent("other", scriptedModel([])),
    ]);
    const created = await t.call("/v1/sessions", {
      method: "POST",
      json: { agent: "echo", actorId: "user-7", metadata: { channel: "web" } },
    });
    expect(created.status).toBe(201);
    const session = await created.json();
    expect(created.headers.get("location")).toBe(`/v1/sessions/${session.id}`);
    expect(session).toMatchObject({
      agent: "echo",
      actorId: "user-7",
      status: "active",
      metadata: { channel: "web" },
      lastEventId: 0,
    });
    // Idle timeout (15 min) by default.
    expect(Date.parse(session.expiresAt) - Date.parse(session.createdAt)).toBe(15 * 60_000);

    const named = await t.call("/v1/sessions", {
      method: "POST",
      json: { agent: "other", id: "my-session-1" },
    });
    expect((await named.json()).id).toBe("my-session-1");
    const duplicate = await t.call("/v1/sessions", {
      method: "POST",
      json: { agent: "other", id: "my-session-1" },
    });
    expect(await problemOf(duplicate)).toMatchObject({ status: 409, code: "already_exists" });
    await t.call("/v1/sessions", { method: "POST", json: { agent: "echo" } });

    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : "?limit=2";
      const page = (await (await t.call(`/v1/sessions${query}`)).json()) as {
        data: { id: string }[];
        nextCursor: string | null;
      };
      expect(page.data.length).toBeLessThanOrEqual(2);
      ids.push(...page.data.map((s) => s.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    expect(ids).toEqual(expect.arrayContaining([session.id, "my-session-1"]));
    const byActor = await (await t.call("/v1/sessions?actorId=user-7")).json();
    expect(byActor.data.map((s: { id: string }) => s.id)).toEqual([session.id]);
    const byAgent = await (await t.call("/v1/sessions?agent=other")).json();
    expect(byAgent.data.map((s: { id: string }) => s.id)).toEqual(["my-session-1"]);

    await t.call("/v1/agents/echo/invocations", {
      method: "POST",
      json: { input: "hi", sessionId: session.id },
    });
    const got = await (await t.call(`/v1/sessions/${session.id}`)).json();
    expect(got.lastEventId).toBeGreaterThan(0);
    const events = await (await t.call(`/v1/sessions/${session.id}/events?after=1&limit=3`)).json();
    expect(events.data.map((e: { id: number }) => e.id)).toEqual([2, 3, 4]);

    expect((await t.call(`/v1/sessions/${session.id}`, { method: "DELETE" })).status).toBe(204);
    expect(await problemOf(await t.call(`/v1/sessions/${session.id}`))).toMatchObject({
      status: 404,
      code: "session_not_found",
    });
    expect(await problemOf(await t.call(`/v1/sessions/${session.id}`, { method: "DELETE" }))).toMatchObject({
      code: "session_not_found",
    });
  });

  it("refuses to run in an expired session with 410 session_expired", async () => {
    t = await startTestServer([makeAgent("echo", scriptedModel([{ text: "never" }]))], {
      app: { limits: { idleTimeoutMs: 1000 } },
    });
    const session = await (await t.call("/v1/sessions", { method: "POST", json: { agent: "echo" } })).json();
    const expired = await t.server.store.expireSessions(Date.parse(session.expiresAt));
    expect(expired.map((s) => s.id)).toEqual([session.id]);
    const response = await t.call("/v1/agents/echo/invocations", {
      method: "POST",
      json: { input: "hi", sessionId: session.id },
    });
    expect(await problemOf(response)).toMatchObject({ status: 410, code: "session_expired" });
    expect((await (await t.call(`/v1/sessions/${session.id}`)).json()).status).toBe("expired");
  });
});
