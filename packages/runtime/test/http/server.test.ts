import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { scriptedModel } from "@skein/core/testing";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../src/keys/api-keys.ts";
import { startServer } from "../../src/server.ts";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import { gate, gateTool, makeAgent, readSse } from "./harness.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const silent = pino({ level: "silent" });

describe("startServer", () => {
  it("keeps sessions in <dataDir>/skein.db across a restart", async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), "skein-server-")), ".skein");
    dirs.push(path.dirname(dataDir));
    const agents = [makeAgent("echo", scriptedModel([{ text: "remembered" }, { text: "still here" }]))];
    const first = await startServer({ agents, port: 0, host: "127.0.0.1", dataDir, logger: silent });
    expect(existsSync(path.join(dataDir, "skein.db"))).toBe(true);
    const { key } = await createApiKey(first.store, "acme");
    const auth = { authorization: `Bearer ${key}`, "content-type": "application/json" };
    const answer = await (
      await fetch(`${first.url}/v1/agents/echo/invocations`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ input: "remember this" }),
      })
    ).json();
    await first.close();
    await expect(fetch(`${first.url}/ping`)).rejects.toThrow();

    const second = await startServer({ agents, port: 0, host: "127.0.0.1", dataDir, logger: silent });
    try {
      const session = await (
        await fetch(`${second.url}/v1/sessions/${answer.sessionId}`, { headers: auth })
      ).json();
      expect(session).toMatchObject({ id: answer.sessionId, agent: "echo" });
      const next = await (
        await fetch(`${second.url}/v1/agents/echo/invocations`, {
          method: "POST",
          headers: auth,
          body: JSON.stringify({ input: "and now?", sessionId: answer.sessionId }),
        })
      ).json();
      expect(next.text).toBe("still here");
      const model = agents[0]!.model as ReturnType<typeof scriptedModel>;
      expect(model.requests[1]?.messages.map((m) => m.content)).toEqual([
        "remember this",
        "remembered",
        "and now?",
      ]);
    } finally {
      await second.close();
    }
  });

  it("shuts down gracefully: runs in flight commit their end (interrupted), streams end, the port closes", async () => {
    const never = gate();
    const model = scriptedModel([{ toolCalls: [{ id: "c1", name: "wait_for_gate", arguments: {} }] }]);
    const agents = [makeAgent("echo", model, { tools: [gateTool(never.promise)] })];
    const dataDir = mkdtempSync(path.join(tmpdir(), "skein-server-"));
    dirs.push(dataDir);
    const server = await startServer({
      agents,
      port: 0,
      host: "127.0.0.1",
      dataDir,
      logger: silent,
      dev: true,
    });
    const started = await fetch(`${server.url}/v1/agents/echo/invocations`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ input: "hold" }),
    });
    const runId = started.headers.get("x-skein-run-id")!;
    const streamed = readSse(started);
    // Wait until the tool call is committed, via a second stream, before shutting down.
    await readSse(await fetch(`${server.url}/v1/runs/${runId}/events`), (e) => e.event === "tool-call");
    const store = server.store;
    const run = await store.getRun("dev", runId);
    expect(run?.status).toBe("running");

    await server.close();
    const events = await streamed;
    expect(events.at(-1)?.event).toBe("run-end");
    await expect(fetch(`${server.url}/ping`)).rejects.toThrow();
    // The store is closed with the server; reopen the file to look.
    const reopened = openSqliteStore({ path: path.join(dataDir, "skein.db") });
    expect(await reopened.getRun("dev", runId)).toMatchObject({
      status: "interrupted",
      error: { code: "server_shutdown" },
    });
    await reopened.close();
  });

  it("on start, ends runs a crashed process left running as interrupted, so their sessions work again", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "skein-server-"));
    dirs.push(dataDir);
    // What a process killed mid-run leaves behind: a running run whose committed steps stop after a tool call.
    const crashed = openSqliteStore({ path: path.join(dataDir, "skein.db") });
    await crashed.ensureTenant({ id: "dev" });
    await crashed.createSession({ tenantId: "dev", id: "s1", agent: "echo", expiresAt: Date.now() + 60_000 });
    await crashed.createRun({
      tenantId: "dev",
      sessionId: "s1",
      id: "run_crashed",
      agent: "echo",
      status: "running",
    });
    const committed = [
      {
        type: "run-start",
        runId: "run_crashed",
        agent: "echo",
        input: [{ role: "user", content: "before crash" }],
      },
      {
        type: "turn-end",
        runId: "run_crashed",
        turn: 1,
        finishReason: "tool-calls",
        usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
        message: { role: "assistant", content: "", toolCalls: [{ id: "c1", name: "slow", arguments: "{}" }] },
      },
    ];
    await crashed.appendEvents(
      "dev",
      "s1",
      committed.map((data) => ({ type: data.type, runId: "run_crashed", data })),
    );
    crashed.db.close(); // no graceful close: the process "died"

    const model = scriptedModel([{ text: "after restart" }]);
    const server = await startServer({
      agents: [makeAgent("echo", model)],
      port: 0,
      host: "127.0.0.1",
      dataDir,
      logger: silent,
      dev: true,
    });
    try {
      const run = await (await fetch(`${server.url}/v1/runs/run_crashed`)).json();
      expect(run).toMatchObject({
        status: "interrupted",
        stopReason: "error",
        error: { code: "run_interrupted" },
      });
      const events = await readSse(await fetch(`${server.url}/v1/runs/run_crashed/events`));
      expect(events.map((e) => e.event)).toEqual(["run-start", "turn-end", "run-end"]);
      const next = await fetch(`${server.url}/v1/agents/echo/invocations`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ input: "again", sessionId: "s1" }),
      });
      expect((await next.json()).text).toBe("after restart");
      // The unanswered tool call of the crashed turn is not part of the history the model sees.
      expect(model.requests[0]?.messages).toEqual([
        { role: "user", content: "before crash" },
        { role: "user", content: "again" },
      ]);
    } finally {
      await server.close();
    }
  });
});
