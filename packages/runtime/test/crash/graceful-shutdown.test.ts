import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type MockOpenAIServer, startMockOpenAIServer } from "@skein/core/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import {
  expectIntactRunLog,
  expectPrefix,
  invokeAsync,
  killAll,
  runToEnd,
  SignalServer,
  spawnServer,
  storedEvents,
} from "./harness.ts";

let dataDir: string;
let signals: SignalServer;
let mock: MockOpenAIServer;

beforeEach(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "skein-shutdown-"));
  signals = await new SignalServer().start();
});
afterEach(async () => {
  await killAll();
  await mock.close();
  await signals.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("SIGTERM: graceful shutdown of a real server process", () => {
  it("stops accepting, lets the tool in flight commit, suspends the run and exits; the next start resumes it", async () => {
    mock = await startMockOpenAIServer({
      model: "mock-model",
      responses: [
        { type: "tool-calls", calls: [{ id: "call_1", name: "slow_step", arguments: {} }] },
        { type: "text", text: "resumed and done" },
      ],
    });
    const env = { dataDir, modelUrl: mock.url, signalUrl: signals.url };
    signals.hold("call_1");
    const first = await spawnServer(env);
    const { runId, sessionId } = await invokeAsync(first.url, "work");
    await signals.when((s) => s.phase === "start" && s.call === "call_1");

    const { closing, exited } = first.terminate();
    await closing;
    // The server no longer accepts, while the tool is still in flight.
    await expect(fetch(`${first.url}/ping`)).rejects.toThrow();
    signals.release("call_1");
    expect(await exited).toBe(0);

    const store = openSqliteStore({ path: path.join(dataDir, "skein.db") });
    expect(await store.getRun("dev", runId)).toMatchObject({
      status: "interrupted",
      stopReason: "shutdown",
      error: { code: "server_shutdown" },
    });
    await store.close();
    const before = await storedEvents(dataDir, sessionId);
    expect(before.map((e) => e.type)).toEqual([
      "run-start",
      "turn-start",
      "turn-end",
      "tool-call",
      "tool-result",
      "run-suspended",
    ]);

    const second = await spawnServer(env);
    expect(second.recovery.resumed.map((r) => r.id)).toEqual([runId]);
    expect(await runToEnd(second.url, runId)).toMatchObject({
      status: "completed",
      text: "resumed and done",
    });
    expect([signals.count("start", "call_1"), signals.count("finish", "call_1")]).toEqual([1, 1]);
    const after = await storedEvents(dataDir, sessionId);
    expectPrefix(before, after);
    expectIntactRunLog(after, runId);
  });
});
