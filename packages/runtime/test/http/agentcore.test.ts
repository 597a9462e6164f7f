import { scriptedModel } from "@skein/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { AGENT_HEADER, AGENTCORE_SESSION_HEADER } from "../../src/http/routes/agentcore.ts";
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

const sessionId = "agentcore-session-0123456789abcdefghij"; // >= 33 characters, as AgentCore requires

describe("AgentCore Runtime contract", () => {
  it("answers POST /invocations with JSON and keeps the session named by the AgentCore header", async () => {
    const model = scriptedModel([{ text: "first" }, { text: "second" }]);
    t = await startTestServer([makeAgent("echo", model)]);
    const headers = { [AGENTCORE_SESSION_HEADER]: sessionId };
    const first = await t.call("/invocations", { method: "POST", json: { prompt: "one" }, headers });
    expect(first.status).toBe(200);
    expect(first.headers.get(AGENTCORE_SESSION_HEADER)).toBe(sessionId);
    expect(await first.json()).toMatchObject({
      response: "first",
      status: "success",
      sessionId,
      stopReason: "done",
    });

    const second = await t.call("/invocations", { method: "POST", json: { prompt: "two" }, headers });
    expect((await second.json()).response).toBe("second");
    expect(model.requests[1]?.messages.map((m) => m.content)).toEqual(["one", "first", "two"]);

    const invalid = await t.call("/invocations", { method: "POST", json: { prompt: "a", input: "b" } });
    expect(await problemOf(invalid)).toMatchObject({ status: 400, code: "invalid_request" });
    const noAgent = await t.call("/invocations", {
      method: "POST",
      json: { prompt: "a" },
      headers: { [AGENT_HEADER]: "ghost" },
    });
    expect(await problemOf(noAgent)).toMatchObject({ status: 404, code: "agent_not_found" });
  });

  it("streams SSE when asked, and /ping says HealthyBusy while a run is in flight", async () => {
    const release = gate();
    const model = scriptedModel([
      { toolCalls: [{ id: "c1", name: "wait_for_gate", arguments: {} }] },
      { text: "streamed" },
    ]);
    t = await startTestServer([makeAgent("echo", model, { tools: [gateTool(release.promise)] })]);
    const idle = await (await t.call("/ping", { key: null })).json();
    expect(idle.status).toBe("Healthy");
    expect(typeof idle.time_of_last_update).toBe("number");

    const response = await t.call("/invocations", {
      method: "POST",
      json: { prompt: "go" },
      headers: { accept: "text/event-stream", [AGENTCORE_SESSION_HEADER]: sessionId },
    });
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const runId = response.headers.get("x-skein-run-id")!;
    const head = await readSse(response, (e) => e.event === "tool-call");
    const busy = await (await t.call("/ping", { key: null })).json();
    expect(busy.status).toBe("HealthyBusy");
    expect(busy.time_of_last_update).toBeGreaterThanOrEqual(idle.time_of_last_update);

    release.open();
    const rest = await readSse(
      await t.call(`/v1/runs/${runId}/events`, { headers: { "last-event-id": head.at(-1)!.id! } }),
    );
    expect(rest.at(-1)?.data).toMatchObject({ type: "run-end", text: "streamed" });
    expect((await (await t.call("/ping", { key: null })).json()).status).toBe("Healthy");
  });
});
