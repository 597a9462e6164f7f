import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { scriptedModel } from "@skein/core/testing";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../src/keys/api-keys.ts";
import { startServer } from "../../src/server.ts";
import { makeAgent } from "./harness.ts";

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
});
