import type { AgentEvent, Message } from "@skein/core";
import { describe, expect, it } from "vitest";
import { sessionHistory } from "../../src/runs/history.ts";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.ts";

const usage = { inputTokens: 1, outputTokens: 1, totalTokens: 2 };

describe("session history from the event log", () => {
  it("takes the stored history of ended runs, then only whole units of a run that never ended", async () => {
    const store = openSqliteStore({ path: ":memory:" });
    await store.createTenant({ id: "t" });
    await store.createSession({ tenantId: "t", id: "s", agent: "a", expiresAt: Date.now() + 60_000 });
    const endedHistory: Message[] = [
      { role: "user", content: "first" },
      { role: "assistant", content: "first answer" },
    ];
    const crashed: AgentEvent[] = [
      { type: "run-start", runId: "r2", agent: "a", input: [{ role: "user", content: "second" }] },
      { type: "text-delta", runId: "r2", turn: 1, text: "lo" },
      {
        type: "turn-end",
        runId: "r2",
        turn: 1,
        finishReason: "tool-calls",
        usage,
        message: {
          role: "assistant",
          content: "",
          toolCalls: [
            { id: "c1", name: "price", arguments: "{}" },
            { id: "c2", name: "news", arguments: "{}" },
          ],
        },
      },
      { type: "tool-result", runId: "r2", callId: "c2", name: "news", content: "calm", durationMs: 1 },
      {
        type: "tool-error",
        runId: "r2",
        callId: "c1",
        name: "price",
        error: { code: "tool_failed", message: "down" },
        durationMs: 1,
      },
      {
        type: "turn-end",
        runId: "r2",
        turn: 2,
        finishReason: "tool-calls",
        usage,
        message: {
          role: "assistant",
          content: "",
          toolCalls: [{ id: "c3", name: "price", arguments: "{}" }],
        },
      },
      // Crash: c3 never got its result, so turn 2 is not committed.
    ];
    await store.createRun({ tenantId: "t", sessionId: "s", id: "r1", agent: "a", status: "running" });
    await store.appendEvents(
      "t",
      "s",
      [{ type: "run-end", runId: "r1", data: { type: "run-end", runId: "r1" } }],
      { runId: "r1", end: { status: "completed" }, history: endedHistory },
    );
    await store.createRun({ tenantId: "t", sessionId: "s", id: "r2", agent: "a", status: "running" });
    await store.appendEvents(
      "t",
      "s",
      crashed.map((event) => ({ type: event.type, runId: event.runId, data: event })),
    );
    expect(await sessionHistory(store, "t", "s")).toEqual([
      ...endedHistory,
      { role: "user", content: "second" },
      {
        role: "assistant",
        content: "",
        toolCalls: [
          { id: "c1", name: "price", arguments: "{}" },
          { id: "c2", name: "news", arguments: "{}" },
        ],
      },
      { role: "tool", toolCallId: "c1", name: "price", content: "down", isError: true },
      { role: "tool", toolCallId: "c2", name: "news", content: "calm" },
    ]);
    await store.close();
  });

  it("is empty for a new session", async () => {
    const store = openSqliteStore({ path: ":memory:" });
    await store.createTenant({ id: "t" });
    await store.createSession({ tenantId: "t", id: "s", agent: "a", expiresAt: Date.now() + 60_000 });
    expect(await sessionHistory(store, "t", "s")).toEqual([]);
    await store.close();
  });
});
