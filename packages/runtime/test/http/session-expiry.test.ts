import { Writable } from "node:stream";
import { scriptedModel } from "@skein/core/testing";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { defaultSessionLimits } from "../../src/sessions/session-limits.ts";
import { makeAgent, problemOf, startTestServer, type TestServer } from "./harness.ts";

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const minute = 60_000;
const T0 = Date.parse("2025-06-01T08:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();
const answers = (n: number) => scriptedModel(Array.from({ length: n }, (_, i) => ({ text: `answer ${i}` })));

describe("session expiry (injected clock, no waiting)", () => {
  it("defaults to AgentCore's limits: 15 minutes idle, 8 hours in all", () => {
    expect(defaultSessionLimits).toEqual({ idleTimeoutMs: 15 * minute, maxLifetimeMs: 8 * 60 * minute });
  });

  it("expires a session idle for 15 minutes; each invocation pushes the expiry back", async () => {
    let clock = T0;
    t = await startTestServer([makeAgent("echo", answers(2))], { app: { now: () => clock } });
    const session = await (await t.call("/v1/sessions", { method: "POST", json: { agent: "echo" } })).json();
    expect(session.expiresAt).toBe(iso(T0 + 15 * minute));

    clock = T0 + 10 * minute;
    const invoked = await t.call("/v1/agents/echo/invocations", {
      method: "POST",
      json: { input: "still here", sessionId: session.id },
    });
    expect(invoked.status).toBe(200);
    expect((await (await t.call(`/v1/sessions/${session.id}`)).json()).expiresAt).toBe(iso(T0 + 25 * minute));

    clock = T0 + 25 * minute - 1;
    expect(await t.server.handle.expireSessions()).toEqual([]);
    clock = T0 + 25 * minute;
    expect((await t.server.handle.expireSessions()).map((s) => s.id)).toEqual([session.id]);
    expect((await (await t.call(`/v1/sessions/${session.id}`)).json()).status).toBe("expired");
    const late = await t.call("/v1/agents/echo/invocations", {
      method: "POST",
      json: { input: "too late", sessionId: session.id },
    });
    expect(await problemOf(late)).toMatchObject({ status: 410, code: "session_expired" });
  });

  it("ends a session at its 8-hour maximum lifetime however active it is", async () => {
    let clock = T0;
    t = await startTestServer([makeAgent("echo", answers(40))], { app: { now: () => clock } });
    const session = await (await t.call("/v1/sessions", { method: "POST", json: { agent: "echo" } })).json();
    const end = T0 + 8 * 60 * minute;
    while (clock + 14 * minute < end) {
      clock += 14 * minute; // active every 14 minutes: never idle for 15
      const response = await t.call("/v1/agents/echo/invocations", {
        method: "POST",
        json: { input: "ping", sessionId: session.id },
      });
      expect(response.status).toBe(200);
      const { expiresAt } = await (await t.call(`/v1/sessions/${session.id}`)).json();
      expect(expiresAt).toBe(iso(Math.min(clock + 15 * minute, end)));
    }
    expect(clock).toBeGreaterThan(end - 15 * minute); // the cap was reached by activity, not idleness
    clock = end - 1;
    expect(await t.server.handle.expireSessions()).toEqual([]);
    clock = end;
    expect((await t.server.handle.expireSessions()).map((s) => s.id)).toEqual([session.id]);
  });

  it("sweeps expired sessions periodically, by the server's clock", async () => {
    let clock = T0;
    let swept!: (line: Record<string, unknown>) => void;
    const sweptLine = new Promise<Record<string, unknown>>((resolve) => {
      swept = resolve;
    });
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split("\n").filter(Boolean)) {
          const parsed = JSON.parse(line);
          if (parsed.msg === "sessions expired") swept(parsed);
        }
        done();
      },
    });
    t = await startTestServer([makeAgent("echo", answers(1))], {
      app: { now: () => clock },
      logger: pino({ level: "info" }, sink),
      expirySweepMs: 5,
    });
    const session = await (await t.call("/v1/sessions", { method: "POST", json: { agent: "echo" } })).json();
    clock = T0 + 15 * minute; // the next sweep finds it
    expect(await sweptLine).toMatchObject({ count: 1 });
    expect((await (await t.call(`/v1/sessions/${session.id}`)).json()).status).toBe("expired");
  });
});
