import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type MockOpenAIServer, type MockStep, startMockOpenAIServer } from "@skein/core/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sessionHistory } from "../../src/runs/history.ts";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import { expectValidHistory } from "../runs/support.ts";
import {
  expectIntactRunLog,
  expectPrefix,
  followRun,
  invoke,
  invokeAsync,
  killAll,
  runToEnd,
  type ServerProcess,
  SignalServer,
  spawnServer,
  storedEvents,
} from "./harness.ts";

let dataDir: string;
let signals: SignalServer;
let mock: MockOpenAIServer | undefined;

beforeEach(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "skein-crash-"));
  signals = await new SignalServer().start();
});
afterEach(async () => {
  await killAll();
  await mock?.close();
  mock = undefined;
  await signals.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(...responses: MockStep[]): Promise<ServerProcess> {
  mock ??= await startMockOpenAIServer({ responses, model: "mock-model" });
  return spawnServer({ dataDir, modelUrl: mock.url, signalUrl: signals.url });
}
const restart = () => spawnServer({ dataDir, modelUrl: mock!.url, signalUrl: signals.url });

/** A promise the test opens from a mock response (the model was called). */
function arrival() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** The session's history is valid and the session takes another invocation with all of it. */
async function expectSessionContinues(server: ServerProcess, sessionId: string) {
  const store = openSqliteStore({ path: path.join(dataDir, "skein.db") });
  const history = await sessionHistory(store, "dev", sessionId);
  await store.close();
  expectValidHistory(history);
  mock!.enqueue({ type: "text", text: "again" });
  const next = await invoke(server.url, "one more thing", sessionId);
  expect(next).toMatchObject({ status: "completed", text: "again" });
  const sent = mock!.requests.at(-1)!.body.messages as { role: string }[];
  expect(sent.filter((m) => m.role !== "system").map((m) => m.role)).toEqual([
    ...history.map((m) => m.role),
    "user",
  ]);
  return history;
}

const toolCalls = (...calls: [string, string][]): MockStep => ({
  type: "tool-calls",
  calls: calls.map(([id, name]) => ({ id, name, arguments: {} })),
  usage: { prompt_tokens: 100, completion_tokens: 10 },
});

/**
 * The run's trace after a crash and a resume is one trace: one run span (the resumed one, with the ids of the span
 * lost in the crash), every other span under a span of the trace, and spans from before the crash among them.
 */
async function expectWholeTrace(server: ServerProcess, runId: string, killedAt: number) {
  const { spans } = (await (await fetch(`${server.url}/v1/runs/${runId}/trace`)).json()) as {
    spans: {
      traceId: string;
      spanId: string;
      parentSpanId: string | null;
      name: string;
      startTimeMs: number;
    }[];
  };
  expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
  const roots = spans.filter((s) => s.parentSpanId === null);
  expect(roots.map((s) => s.name)).toEqual(["invoke_agent worker"]);
  const ids = new Set(spans.map((s) => s.spanId));
  for (const span of spans) if (span.parentSpanId !== null) expect(ids).toContain(span.parentSpanId);
  expect(spans.some((s) => s !== roots[0] && s.startTimeMs < killedAt)).toBe(true);
  // Listed once, starting with its first span (from before the crash), not with the resumed run span.
  const { data } = (await (await fetch(`${server.url}/v1/traces`)).json()) as {
    data: { traceId: string; runId: string; startTimeMs: number }[];
  };
  expect(data.filter((t) => t.runId === runId)).toEqual([
    expect.objectContaining({
      traceId: spans[0]!.traceId,
      startTimeMs: Math.min(...spans.map((s) => s.startTimeMs)),
    }),
  ]);
}

/** The usage ledger's totals for the dev tenant (`GET /v1/usage?groupBy=agent`). */
async function ledger(server: ServerProcess) {
  const { data } = await (await fetch(`${server.url}/v1/usage?groupBy=agent`)).json();
  return (data as { runs: number; inputTokens: number; outputTokens: number }[]).map(
    ({ runs, inputTokens, outputTokens }) => ({ runs, inputTokens, outputTokens }),
  );
}

describe("kill -9 the server during a run, then start it again on the same data", () => {
  it("(a) during a model stream: the turn is discarded and the model called again", async () => {
    const first = await start(
      { type: "stall", text: "partial answ" },
      { type: "text", text: "a complete answer" },
    );
    const { runId, sessionId } = await invokeAsync(first.url, "question");
    await followRun(first.url, runId, (e) => e.event === "text-delta");
    await first.kill();
    const before = await storedEvents(dataDir, sessionId);
    expect(before.map((e) => e.type)).toContain("text-delta");

    const second = await restart();
    expect(second.recovery.resumed.map((r) => r.id)).toEqual([runId]);
    expect(await runToEnd(second.url, runId)).toMatchObject({
      status: "completed",
      text: "a complete answer",
    });
    const after = await storedEvents(dataDir, sessionId);
    expectPrefix(before, after);
    expectIntactRunLog(after, runId);
    expect(after.slice(before.length).map((e) => e.type)).toEqual([
      "turn-discarded",
      "run-resumed",
      ...after.slice(before.length + 2, -2).map(() => "text-delta"),
      "turn-end",
      "run-end",
    ]);
    expect(mock!.requests).toHaveLength(2);
    await expectSessionContinues(second, sessionId);
  });

  it("(b) while a tool runs: only the unfinished call runs again; the finished one ran once", async () => {
    signals.hold("call_slow");
    const first = await start(toolCalls(["call_fast", "slow_step"], ["call_slow", "slow_step"]), {
      type: "text",
      text: "both done",
    });
    const { runId, sessionId } = await invokeAsync(first.url, "do two things");
    await signals.when((s) => s.phase === "start" && s.call === "call_slow");
    await followRun(first.url, runId, (e) => e.event === "tool-result" && e.data.callId === "call_fast");
    const killedAt = Date.now();
    await first.kill();
    const before = await storedEvents(dataDir, sessionId);

    const second = await restart();
    expect(second.recovery.resumed.map((r) => r.id)).toEqual([runId]);
    expect(await runToEnd(second.url, runId)).toMatchObject({
      status: "completed",
      text: "both done",
      steps: 4,
    });
    expect([signals.count("start", "call_fast"), signals.count("finish", "call_fast")]).toEqual([1, 1]);
    expect([signals.count("start", "call_slow"), signals.count("finish", "call_slow")]).toEqual([2, 1]);
    expect(signals.signals.find((s) => s.phase === "finish" && s.call === "call_slow")?.pid).toBe(second.pid);
    const after = await storedEvents(dataDir, sessionId);
    expectPrefix(before, after);
    expectIntactRunLog(after, runId);
    expect(mock!.requests).toHaveLength(2); // the committed tool turn is replayed from the store, not the model
    await expectWholeTrace(second, runId, killedAt);
    await expectSessionContinues(second, sessionId);
  });

  it("(c) after a tool result committed, before the next model call answered: the tool is not run again", async () => {
    const secondCall = arrival();
    const first = await start(
      toolCalls(["call_1", "slow_step"]),
      () => {
        secondCall.open();
        return { type: "stall", beforeHeaders: true };
      },
      { type: "text", text: "finished", usage: { prompt_tokens: 200, completion_tokens: 20 } },
    );
    const { runId, sessionId } = await invokeAsync(first.url, "one step");
    await secondCall.promise; // the loop calls the model only once the tool result is committed
    await first.kill();
    const before = await storedEvents(dataDir, sessionId);
    expect(before.map((e) => e.type)).toEqual([
      "run-start",
      "turn-start",
      "turn-end",
      "tool-call",
      "tool-result",
      "turn-start",
    ]);

    const second = await restart();
    expect(await runToEnd(second.url, runId)).toMatchObject({ status: "completed", text: "finished" });
    expect([signals.count("start", "call_1"), signals.count("finish", "call_1")]).toEqual([1, 1]);
    const after = await storedEvents(dataDir, sessionId);
    expectPrefix(before, after);
    expectIntactRunLog(after, runId);
    expect(after.slice(before.length).map((e) => e.type)).toEqual([
      "run-resumed",
      "text-delta",
      "text-delta",
      "turn-end",
      "run-end",
    ]);
    // Usage counts the turn from before the crash too.
    expect(await ledger(second)).toEqual([{ runs: 1, inputTokens: 300, outputTokens: 30 }]);
    await expectSessionContinues(second, sessionId);
  });

  it("(d) between runs: nothing to resume, the session goes on", async () => {
    const first = await start({ type: "text", text: "first answer" });
    const ended = await invoke(first.url, "first question");
    expect(ended.status).toBe("completed");
    await first.kill();
    const before = await storedEvents(dataDir, ended.sessionId);

    const second = await restart();
    expect(second.recovery).toEqual({ resumed: [], interrupted: [], requeued: [] });
    const history = await expectSessionContinues(second, ended.sessionId);
    expect(history.map((m) => m.content)).toEqual(["first question", "first answer"]);
    const after = await storedEvents(dataDir, ended.sessionId);
    expectPrefix(before, after);
    expectIntactRunLog(after, ended.id);
  });

  it("a non-idempotent tool killed mid-call is not run again: the run ends interrupted with the reason", async () => {
    signals.hold("call_pay");
    const first = await start(toolCalls(["call_pay", "charge_card"]));
    const { runId, sessionId } = await invokeAsync(first.url, "pay the bill");
    await signals.when((s) => s.phase === "start" && s.call === "call_pay");
    await first.kill();

    const second = await restart();
    expect(second.recovery.interrupted.map((r) => [r.id, r.error?.code])).toEqual([[runId, "resume_unsafe"]]);
    const run = await (await fetch(`${second.url}/v1/runs/${runId}`)).json();
    expect(run).toMatchObject({ status: "interrupted", error: { code: "resume_unsafe" } });
    expect(run.error.message).toContain("charge_card");
    expect(signals.count("start", "call_pay")).toBe(1);
    expect(await ledger(second)).toEqual([{ runs: 1, inputTokens: 100, outputTokens: 10 }]); // never resumed, still metered
    expectIntactRunLog(await storedEvents(dataDir, sessionId), runId);
    const history = await expectSessionContinues(second, sessionId);
    expect(history.map((m) => m.content)).toEqual(["pay the bill"]);
  });
});
