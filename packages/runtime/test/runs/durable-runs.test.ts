import type { AgentEvent, Message } from "@skein/core";
import { scriptedModel } from "@skein/core/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { toolCallKey, toolStartKey } from "../../src/runs/durable-tools.ts";
import { sessionHistory } from "../../src/runs/history.ts";
import type { SqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import {
  countingTool,
  crashedRun,
  Executions,
  eventLog,
  expectValidHistory,
  fileStore,
  newSession,
  runManager,
  T,
  worker,
} from "./support.ts";

const usage = { inputTokens: 5, outputTokens: 5, totalTokens: 10 };
const R = "run_1";
const user = (content: string): Message => ({ role: "user", content });
const runStart = (text = "go"): AgentEvent => ({
  type: "run-start",
  runId: R,
  agent: "worker",
  sessionId: "s1",
  input: [user(text)],
});
const turnStart = (turn: number): AgentEvent => ({ type: "turn-start", runId: R, turn });
const calls = (list: [string, string][]) => list.map(([id, name]) => ({ id, name, arguments: "{}" }));
const toolTurn = (turn: number, list: [string, string][]): AgentEvent => ({
  type: "turn-end",
  runId: R,
  turn,
  usage,
  finishReason: "tool-calls",
  message: { role: "assistant", content: "", toolCalls: calls(list) },
});
const toolCall = (turn: number, id: string, name: string): AgentEvent => ({
  type: "tool-call",
  runId: R,
  turn,
  call: { id, name, arguments: "{}", input: {} },
});
const toolResult = (id: string, name: string, content = `${name}-result`): AgentEvent => ({
  type: "tool-result",
  runId: R,
  callId: id,
  name,
  content,
  durationMs: 1,
});

let files: ReturnType<typeof fileStore>;
let store: SqliteStore;
beforeEach(async () => {
  files = fileStore();
  store = files.store;
  await newSession(store);
});
afterEach(async () => {
  await store.close();
  files.cleanup();
});

describe("resuming a run a stopped process left", () => {
  it("re-runs only the tool whose result was not committed, continuing the same run and event log", async () => {
    const executions = new Executions();
    const model = scriptedModel([{ text: "all done" }]);
    const tools = [countingTool("alpha", executions), countingTool("beta", executions)];
    await crashedRun(store, R, [
      runStart(),
      turnStart(1),
      toolTurn(1, [
        ["c1", "alpha"],
        ["c2", "beta"],
      ]),
      toolCall(1, "c1", "alpha"),
      toolCall(1, "c2", "beta"),
      toolResult("c1", "alpha"),
    ]);
    const manager = runManager(store, [worker(model, { tools })]);
    const report = await manager.recover();
    expect(report.resumed.map((r) => r.id)).toEqual([R]);
    const run = await manager.wait(report.resumed[0]!);

    expect(run).toMatchObject({ id: R, status: "completed", stopReason: "done", lastStep: 4 });
    expect(run.result).toMatchObject({ text: "all done" });
    expect(executions.started).toEqual(["beta"]);
    expect(await eventLog(store, R)).toEqual([
      "run-start",
      "turn-start:1",
      "turn-end:1",
      "tool-call:c1",
      "tool-call:c2",
      "tool-result:c1",
      "run-resumed:1",
      "tool-result:c2",
      "turn-start:2",
      "turn-end:2",
      "run-end",
    ]);
    const turn2 = (await store.listEvents(T, "s1", { runId: R, types: ["turn-end"] }))[1]!.data as {
      usage: { totalTokens: number };
    };
    expect(run.usage.totalTokens).toBe(usage.totalTokens + turn2.usage.totalTokens);
    expect(model.requests[0]?.messages).toEqual([
      user("go"),
      {
        role: "assistant",
        content: "",
        toolCalls: calls([
          ["c1", "alpha"],
          ["c2", "beta"],
        ]),
      },
      { role: "tool", toolCallId: "c1", name: "alpha", content: "alpha-result" },
      { role: "tool", toolCallId: "c2", name: "beta", content: "beta-result" },
    ]);
    const history = await sessionHistory(store, T, "s1");
    expectValidHistory(history);
    expect(history.at(-1)).toEqual({ role: "assistant", content: "all done" });

    // The session takes the next invocation with the whole history.
    const next = scriptedModel([{ text: "again" }]);
    const again = await runManager(store, [worker(next, { tools })]).start({
      tenantId: T,
      session: (await store.getSession(T, "s1"))!,
      agent: worker(next, { tools }),
      input: [user("more")],
    });
    expect((await again.done).status).toBe("completed");
    expect(next.requests[0]?.messages).toEqual([...history, user("more")]);
  });

  it("gives a tool its recorded result when the crash came before the result's event", async () => {
    const executions = new Executions();
    await crashedRun(store, R, [
      runStart(),
      turnStart(1),
      toolTurn(1, [["c1", "alpha"]]),
      toolCall(1, "c1", "alpha"),
    ]);
    await store.putIdempotencyRecord({
      tenantId: T,
      key: toolCallKey(R, 1, "c1"),
      runId: R,
      result: { content: "recorded before the crash", isError: false },
    });
    const model = scriptedModel([{ text: "done" }]);
    const manager = runManager(store, [worker(model, { tools: [countingTool("alpha", executions)] })]);
    const run = await manager.wait((await manager.recover()).resumed[0]!);
    expect(run.status).toBe("completed");
    expect(executions.started).toEqual([]);
    const results = await store.listEvents(T, "s1", { runId: R, types: ["tool-result"] });
    expect(results.map((e) => (e.data as { content: string }).content)).toEqual([
      "recorded before the crash",
    ]);
    expect(model.requests[0]?.messages.at(-1)).toMatchObject({ content: "recorded before the crash" });
  });

  it("keys records by turn: a call id the model reuses in a later turn is not mistaken for the earlier call", async () => {
    const executions = new Executions();
    await crashedRun(store, R, [
      runStart(),
      turnStart(1),
      toolTurn(1, [["c1", "alpha"]]),
      toolCall(1, "c1", "alpha"),
      toolResult("c1", "alpha", "first"),
      turnStart(2),
      toolTurn(2, [["c1", "alpha"]]),
    ]);
    await store.putIdempotencyRecord({
      tenantId: T,
      key: toolCallKey(R, 1, "c1"),
      runId: R,
      result: { content: "first", isError: false },
    });
    const model = scriptedModel([{ text: "done" }]);
    const manager = runManager(store, [worker(model, { tools: [countingTool("alpha", executions)] })]);
    const run = await manager.wait((await manager.recover()).resumed[0]!);
    expect(run.status).toBe("completed");
    expect(executions.started).toEqual(["alpha"]);
    expect(await eventLog(store, R)).toEqual([
      "run-start",
      "turn-start:1",
      "turn-end:1",
      "tool-call:c1",
      "tool-result:c1",
      "turn-start:2",
      "turn-end:2",
      "run-resumed:2",
      "tool-call:c1",
      "tool-result:c1",
      "turn-start:3",
      "turn-end:3",
      "run-end",
    ]);
    expect(await store.getIdempotencyRecord(T, toolCallKey(R, 2, "c1"))).toMatchObject({
      result: { content: "alpha-result", isError: false },
    });
  });

  it("ends the run interrupted when a non-idempotent tool started and left no result", async () => {
    const executions = new Executions();
    await crashedRun(store, R, [
      runStart(),
      turnStart(1),
      toolTurn(1, [
        ["c1", "alpha"],
        ["c2", "pay"],
      ]),
      toolCall(1, "c1", "alpha"),
      toolCall(1, "c2", "pay"),
      toolResult("c1", "alpha"),
    ]);
    await store.putIdempotencyRecord({
      tenantId: T,
      key: toolStartKey(R, 1, "c2"),
      runId: R,
      result: { started: true },
    });
    const tools = [countingTool("alpha", executions), countingTool("pay", executions, { idempotent: false })];
    const manager = runManager(store, [worker(scriptedModel([]), { tools })]);
    const report = await manager.recover();
    expect(report.resumed).toEqual([]);
    expect(report.interrupted.map((r) => r.id)).toEqual([R]);
    const run = (await store.getRun(T, R))!;
    expect(run).toMatchObject({
      status: "interrupted",
      stopReason: "error",
      error: { code: "resume_unsafe" },
    });
    expect(run.error?.message).toMatch(/tool "pay" \(call c2\).*not idempotent/);
    expect(executions.started).toEqual([]);
    expect((await eventLog(store, R)).slice(-2)).toEqual(["error", "run-end"]);
    // The unfinished tool turn is not part of the history; the session goes on.
    expect(await sessionHistory(store, T, "s1")).toEqual([user("go")]);
    const next = scriptedModel([{ text: "fresh start" }]);
    const again = await manager.start({
      tenantId: T,
      session: (await store.getSession(T, "s1"))!,
      agent: worker(next, { tools }),
      input: [user("retry")],
    });
    expect((await again.done).status).toBe("completed");
    expect(next.requests[0]?.messages).toEqual([user("go"), user("retry")]);
  });

  it("runs a non-idempotent tool that had not started yet", async () => {
    const executions = new Executions();
    await crashedRun(store, R, [runStart(), turnStart(1), toolTurn(1, [["c1", "pay"]])]);
    const tools = [countingTool("pay", executions, { idempotent: false })];
    const manager = runManager(store, [worker(scriptedModel([{ text: "paid" }]), { tools })]);
    const run = await manager.wait((await manager.recover()).resumed[0]!);
    expect(run.status).toBe("completed");
    expect(executions.started).toEqual(["pay"]);
    expect(await store.getIdempotencyRecord(T, toolStartKey(R, 1, "c1"))).toBeDefined();
  });

  it("calls the model again for a turn that never committed, discarding the deltas it had streamed", async () => {
    await crashedRun(store, R, [
      runStart(),
      turnStart(1),
      { type: "text-delta", runId: R, turn: 1, text: "half an ans" },
    ]);
    const model = scriptedModel([{ text: "a whole answer" }]);
    const manager = runManager(store, [worker(model)]);
    const run = await manager.wait((await manager.recover()).resumed[0]!);
    expect(run).toMatchObject({ status: "completed", result: { text: "a whole answer" } });
    expect(await eventLog(store, R)).toEqual([
      "run-start",
      "turn-start:1",
      "turn-discarded:1",
      "run-resumed:1",
      "turn-end:1",
      "run-end",
    ]);
    expect(model.requests[0]?.messages).toEqual([user("go")]);
  });

  it("ends a run whose final answer was committed without calling the model again", async () => {
    const answer: AgentEvent = {
      type: "turn-end",
      runId: R,
      turn: 1,
      usage,
      finishReason: "stop",
      message: { role: "assistant", content: "the answer" },
    };
    await crashedRun(store, R, [runStart(), turnStart(1), answer]);
    const model = scriptedModel([]);
    const manager = runManager(store, [worker(model)]);
    const run = await manager.wait((await manager.recover()).resumed[0]!);
    expect(run).toMatchObject({ status: "completed", result: { text: "the answer" }, usage });
    expect(model.requests).toEqual([]);
    expect(await eventLog(store, R)).toEqual([
      "run-start",
      "turn-start:1",
      "turn-end:1",
      "run-resumed:1",
      "run-end",
    ]);
    expect(await sessionHistory(store, T, "s1")).toEqual([
      user("go"),
      { role: "assistant", content: "the answer" },
    ]);
  });

  it("calls the model for the next turn when a tool turn was whole, without repeating its turn-start", async () => {
    const executions = new Executions();
    await crashedRun(store, R, [
      runStart(),
      turnStart(1),
      toolTurn(1, [["c1", "alpha"]]),
      toolCall(1, "c1", "alpha"),
      toolResult("c1", "alpha"),
      turnStart(2),
    ]);
    const model = scriptedModel([{ text: "next" }]);
    const manager = runManager(store, [worker(model, { tools: [countingTool("alpha", executions)] })]);
    const run = await manager.wait((await manager.recover()).resumed[0]!);
    expect(run.status).toBe("completed");
    expect(executions.started).toEqual([]);
    expect((await eventLog(store, R)).slice(5)).toEqual([
      "turn-start:2",
      "run-resumed:2",
      "turn-end:2",
      "run-end",
    ]);
  });

  it("ends the run interrupted when its agent is no longer hosted", async () => {
    await crashedRun(store, R, [runStart(), turnStart(1)], "ghost");
    const manager = runManager(store, [worker(scriptedModel([]))]);
    const report = await manager.recover();
    expect(report.interrupted.map((r) => [r.id, r.status, r.error?.code])).toEqual([
      [R, "interrupted", "agent_not_found"],
    ]);
    expect(await sessionHistory(store, T, "s1")).toEqual([user("go")]);
  });
});

describe("resuming a run that committed nothing", () => {
  it("ends it interrupted: its input was never committed", async () => {
    await store.createRun({ tenantId: T, sessionId: "s1", id: R, agent: "worker", status: "running" });
    const model = scriptedModel([]);
    const report = await runManager(store, [worker(model)]).recover();
    expect(report.interrupted.map((r) => [r.id, r.status, r.error?.code])).toEqual([
      [R, "interrupted", "run_not_started"],
    ]);
    expect(model.requests).toEqual([]);
    expect(await sessionHistory(store, T, "s1")).toEqual([]);
  });
});
