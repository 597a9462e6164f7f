import { scriptedModel } from "@skein/core/testing";
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

const gateCall = { toolCalls: [{ id: "call_gate", name: "wait_for_gate", arguments: {} }] };

describe("POST /v1/agents/{agent}/invocations", () => {
  it("answers JSON, creates the session, and continues it with its history on the next call", async () => {
    const model = scriptedModel([{ text: "Hello there." }, { text: "You said hi before." }]);
    t = await startTestServer([makeAgent("echo", model)]);
    const first = await t.call("/v1/agents/echo/invocations", { method: "POST", json: { input: "hi" } });
    expect(first.status).toBe(200);
    const body = await first.json();
    expect(body).toMatchObject({
      agent: "echo",
      status: "completed",
      stopReason: "done",
      text: "Hello there.",
      usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
      steps: 1,
      error: null,
    });
    expect(body.sessionId).toMatch(/^ses_[0-9a-f]{32}$/);
    expect(first.headers.get("x-skein-session-id")).toBe(body.sessionId);

    const second = await t.call("/v1/agents/echo/invocations", {
      method: "POST",
      json: { input: "what did I say?", sessionId: body.sessionId },
    });
    expect((await second.json()).text).toBe("You said hi before.");
    expect(model.requests[1]?.messages).toEqual([
      { role: "user", content: "hi" },
      { role: "assistant", content: "Hello there." },
      { role: "user", content: "what did I say?" },
    ]);
    const run = await t.call(`/v1/runs/${body.id}`);
    expect(await run.json()).toMatchObject({ id: body.id, status: "completed", text: "Hello there." });
  });

  it("commits every step to the session log, in order, before the run ends", async () => {
    const release = gate();
    const model = scriptedModel([{ text: "checking", ...gateCall }, { text: "done" }]);
    t = await startTestServer([makeAgent("echo", model, { tools: [gateTool(release.promise)] })]);
    const started = await t.call("/v1/agents/echo/invocations", {
      method: "POST",
      json: { input: "go", async: true },
    });
    expect(started.status).toBe(202);
    const run = await started.json();
    expect(started.headers.get("location")).toBe(`/v1/runs/${run.id}`);
    // Wait (on the stream, no sleeps) until the tool call is committed, then look at the store mid-run.
    await readSse(await t.call(`/v1/runs/${run.id}/events`), (e) => e.event === "tool-call");
    const midRun = await t.server.store.listEvents("tenant-a", run.sessionId, { runId: run.id });
    expect(midRun.map((e) => e.type)).toContain("turn-end");
    expect((await t.server.store.getRun("tenant-a", run.id))?.lastStep).toBe(1);
    expect((await (await t.call(`/v1/runs/${run.id}`)).json()).status).toBe("running");

    release.open();
    const rest = await readSse(await t.call(`/v1/runs/${run.id}/events`));
    expect(rest.at(-1)?.event).toBe("run-end");
    const stored = await t.server.store.listEvents("tenant-a", run.sessionId, { runId: run.id });
    const types = stored.map((e) => e.type);
    expect(types.filter((x) => ["turn-end", "tool-result", "run-end"].includes(x))).toEqual([
      "turn-end",
      "tool-result",
      "turn-end",
      "run-end",
    ]);
    expect(types).not.toContain("before-model-call");
    expect(await (await t.call(`/v1/runs/${run.id}`)).json()).toMatchObject({
      status: "completed",
      steps: 3,
      text: "done",
      usage: { totalTokens: 30 },
      lastEventId: stored.at(-1)?.seq,
    });
  });

  it("streams the run's events as SSE with ids equal to the session's event sequence", async () => {
    t = await startTestServer([
      makeAgent("echo", scriptedModel([{ text: "streamed answer", reasoning: "think" }])),
    ]);
    const response = await t.call("/v1/agents/echo/invocations", {
      method: "POST",
      json: { input: "hi" },
      headers: { accept: "text/event-stream" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const runId = response.headers.get("x-skein-run-id");
    const sessionId = response.headers.get("x-skein-session-id")!;
    const events = await readSse(response);
    expect(events[0]?.event).toBe("run-start");
    expect(events.at(-1)?.event).toBe("run-end");
    expect(events.at(-1)?.data).toMatchObject({ runId, stopReason: "done", text: "streamed answer" });
    expect(
      events
        .filter((e) => e.event === "text-delta")
        .map((e) => e.data.text)
        .join(""),
    ).toBe("streamed answer");
    for (const e of events) expect(e.data.type).toBe(e.event);
    const stored = await t.server.store.listEvents("tenant-a", sessionId);
    expect(events.map((e) => Number(e.id))).toEqual(stored.map((e) => e.seq));
    expect(events.map((e) => e.data)).toEqual(stored.map((e) => e.data));
  });

  it("re-attaches with Last-Event-ID to a running and to a finished run, yielding exactly the missed events", async () => {
    const release = gate();
    const model = scriptedModel([{ text: "let me wait", ...gateCall }, { text: "finished after the gate" }]);
    t = await startTestServer([makeAgent("echo", model, { tools: [gateTool(release.promise)] })]);
    const response = await t.call("/v1/agents/echo/invocations", {
      method: "POST",
      json: { input: "go", stream: true },
    });
    const runId = response.headers.get("x-skein-run-id")!;
    // The client drops after the first text delta.
    const seen = await readSse(response, (e) => e.event === "text-delta");
    const lastId = seen.at(-1)!.id!;

    // Re-attach while the run is held at the tool; read until the tool call, drop again.
    const whileRunning = await t.call(`/v1/runs/${runId}/events`, { headers: { "last-event-id": lastId } });
    const middle = await readSse(whileRunning, (e) => e.event === "tool-call");
    expect(Number(middle[0]!.id)).toBeGreaterThan(Number(lastId));

    // Re-attach again from the last id seen, then let the run finish: the stream runs to run-end.
    const again = await t.call(`/v1/runs/${runId}/events`, {
      headers: { "last-event-id": middle.at(-1)!.id! },
    });
    release.open();
    const tail = await readSse(again);
    expect(tail.at(-1)?.event).toBe("run-end");

    const all = await readSse(await t.call(`/v1/runs/${runId}/events`));
    expect([...seen, ...middle, ...tail]).toEqual(all);

    // After the end: exactly the events after any id, also via ?after=.
    const cut = all[Math.floor(all.length / 2)]!.id!;
    const after = await readSse(
      await t.call(`/v1/runs/${runId}/events`, { headers: { "last-event-id": cut } }),
    );
    expect(after).toEqual(all.filter((e) => Number(e.id) > Number(cut)));
    expect(await readSse(await t.call(`/v1/runs/${runId}/events?after=${cut}`))).toEqual(after);
    expect(
      await readSse(
        await t.call(`/v1/runs/${runId}/events`, { headers: { "last-event-id": all.at(-1)!.id! } }),
      ),
    ).toEqual([]);

    const bad = await t.call(`/v1/runs/${runId}/events`, { headers: { "last-event-id": "abc" } });
    expect((await problemOf(bad)).code).toBe("invalid_last_event_id");
  });

  it("answers 409 session_busy while the session has a running run, and runs again once it ended", async () => {
    const release = gate();
    const model = scriptedModel([gateCall, { text: "first done" }, { text: "second done" }]);
    t = await startTestServer([makeAgent("echo", model, { tools: [gateTool(release.promise)] })]);
    const first = await (
      await t.call("/v1/agents/echo/invocations", { method: "POST", json: { input: "a", async: true } })
    ).json();
    await readSse(await t.call(`/v1/runs/${first.id}/events`), (e) => e.event === "tool-call");

    const busy = await t.call("/v1/agents/echo/invocations", {
      method: "POST",
      json: { input: "b", sessionId: first.sessionId },
    });
    expect(busy.status).toBe(409);
    expect(await problemOf(busy)).toMatchObject({ code: "session_busy", status: 409, title: "Conflict" });
    const deleting = await t.call(`/v1/sessions/${first.sessionId}`, { method: "DELETE" });
    expect((await problemOf(deleting)).code).toBe("session_busy");

    release.open();
    await readSse(await t.call(`/v1/runs/${first.id}/events`));
    const second = await t.call("/v1/agents/echo/invocations", {
      method: "POST",
      json: { input: "b", sessionId: first.sessionId },
    });
    expect(await second.json()).toMatchObject({ status: "completed", text: "second done" });
  });

  it("queues an invocation on a busy session with onBusy=queue and runs it after the first, on its history", async () => {
    const release = gate();
    const model = scriptedModel([gateCall, { text: "first done" }, { text: "queued done" }]);
    t = await startTestServer([makeAgent("echo", model, { tools: [gateTool(release.promise)] })]);
    const first = await (
      await t.call("/v1/agents/echo/invocations", { method: "POST", json: { input: "a", async: true } })
    ).json();
    await readSse(await t.call(`/v1/runs/${first.id}/events`), (e) => e.event === "tool-call");

    const queued = await t.call("/v1/agents/echo/invocations?onBusy=queue", {
      method: "POST",
      json: { input: "b", sessionId: first.sessionId, async: true },
    });
    expect(queued.status).toBe(202);
    const queuedRun = await queued.json();
    expect(queuedRun.status).toBe("queued");
    const bad = await t.call("/v1/agents/echo/invocations?onBusy=maybe", {
      method: "POST",
      json: { input: "c", sessionId: first.sessionId },
    });
    expect((await problemOf(bad)).code).toBe("invalid_request");

    release.open();
    const events = await readSse(await t.call(`/v1/runs/${queuedRun.id}/events`));
    expect(events.at(-1)?.event).toBe("run-end");
    expect(await (await t.call(`/v1/runs/${queuedRun.id}`)).json()).toMatchObject({
      status: "completed",
      text: "queued done",
    });
    expect(model.requests[2]?.messages.map((m) => m.content)).toEqual([
      "a",
      "",
      expect.any(String),
      "first done",
      "b",
    ]);
  });

  it("cancels a running run; its end is committed and the session stays usable", async () => {
    const never = gate();
    const model = scriptedModel([gateCall, { text: "after cancel" }]);
    t = await startTestServer([makeAgent("echo", model, { tools: [gateTool(never.promise)] })]);
    const run = await (
      await t.call("/v1/agents/echo/invocations", { method: "POST", json: { input: "a", async: true } })
    ).json();
    await readSse(await t.call(`/v1/runs/${run.id}/events`), (e) => e.event === "tool-call");

    const cancelled = await t.call(`/v1/runs/${run.id}/cancel`, { method: "POST" });
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ status: "cancelled", stopReason: "cancelled" });
    const events = await readSse(await t.call(`/v1/runs/${run.id}/events`));
    expect(events.at(-1)?.data).toMatchObject({ type: "run-end", stopReason: "cancelled" });
    const again = await t.call(`/v1/runs/${run.id}/cancel`, { method: "POST" });
    expect((await problemOf(again)).code).toBe("run_finished");

    const next = await t.call("/v1/agents/echo/invocations", {
      method: "POST",
      json: { input: "b", sessionId: run.sessionId },
    });
    expect(await next.json()).toMatchObject({ status: "completed", text: "after cancel" });
    // The next run continues from the valid history the cancelled run committed: its call with a cancelled result.
    expect(model.requests[1]?.messages).toEqual([
      { role: "user", content: "a" },
      {
        role: "assistant",
        content: "",
        toolCalls: [{ id: "call_gate", name: "wait_for_gate", arguments: "{}" }],
      },
      {
        role: "tool",
        toolCallId: "call_gate",
        name: "wait_for_gate",
        content: expect.any(String),
        isError: true,
      },
      { role: "user", content: "b" },
    ]);
  });

  it("refuses a session of another agent and an unknown session", async () => {
    t = await startTestServer([
      makeAgent("echo", scriptedModel([{ text: "x" }])),
      makeAgent("other", scriptedModel([])),
    ]);
    const session = await (await t.call("/v1/sessions", { method: "POST", json: { agent: "other" } })).json();
    const mismatch = await t.call("/v1/agents/echo/invocations", {
      method: "POST",
      json: { input: "a", sessionId: session.id },
    });
    expect(await problemOf(mismatch)).toMatchObject({ status: 409, code: "session_agent_mismatch" });
    const unknown = await t.call("/v1/agents/echo/invocations", {
      method: "POST",
      json: { input: "a", sessionId: "nope" },
    });
    expect(await problemOf(unknown)).toMatchObject({ status: 404, code: "session_not_found" });
  });
});
