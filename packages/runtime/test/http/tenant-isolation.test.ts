import { scriptedModel } from "@skein/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { AGENTCORE_SESSION_HEADER } from "../../src/http/routes/agentcore.ts";
import { makeAgent, problemOf, readSse, startTestServer, type TestServer } from "./harness.ts";

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe("tenant isolation", () => {
  it("answers 404 to another tenant on every endpoint that names a session or a run", async () => {
    const model = scriptedModel([{ text: "A's secret answer" }, { text: "B's own answer" }]);
    t = await startTestServer([makeAgent("echo", model)]);
    const aRun = await (
      await t.call("/v1/agents/echo/invocations", { method: "POST", json: { input: "A's secret" } })
    ).json();
    const sessionId: string = aRun.sessionId;
    const asB = { key: t.keyB };

    const probes: [string, string, unknown, string][] = [
      ["GET", `/v1/sessions/${sessionId}`, undefined, "session_not_found"],
      ["GET", `/v1/sessions/${sessionId}/events`, undefined, "session_not_found"],
      ["DELETE", `/v1/sessions/${sessionId}`, undefined, "session_not_found"],
      ["POST", "/v1/agents/echo/invocations", { input: "steal", sessionId }, "session_not_found"],
      ["GET", `/v1/runs/${aRun.id}`, undefined, "run_not_found"],
      ["GET", `/v1/runs/${aRun.id}/events`, undefined, "run_not_found"],
      ["POST", `/v1/runs/${aRun.id}/cancel`, undefined, "run_not_found"],
    ];
    for (const [method, path, json, code] of probes) {
      const response = await t.call(path, { method, json, ...asB });
      expect(await problemOf(response), `${method} ${path}`).toMatchObject({ status: 404, code });
    }
    const listed = await (await t.call("/v1/sessions", asB)).json();
    expect(listed.data).toEqual([]);

    // AgentCore: the same session id in B's tenant is B's own, new session; A's history never reaches the model.
    const agentCore = await t.call("/invocations", {
      method: "POST",
      json: { prompt: "what did A say?" },
      headers: { [AGENTCORE_SESSION_HEADER]: sessionId },
      ...asB,
    });
    expect(agentCore.status).toBe(200);
    expect((await agentCore.json()).response).toBe("B's own answer");
    expect(model.requests[1]?.messages).toEqual([{ role: "user", content: "what did A say?" }]);

    // A still sees its own session, untouched by B's probes.
    const own = await (await t.call(`/v1/sessions/${sessionId}`)).json();
    expect(own.status).toBe("active");
    const events = await readSse(await t.call(`/v1/runs/${aRun.id}/events`));
    expect(events.at(-1)?.data.text).toBe("A's secret answer");
    expect(await t.server.store.getSession("tenant-b", sessionId)).toMatchObject({ tenantId: "tenant-b" });
    expect(
      (await t.server.store.listEvents("tenant-a", sessionId)).every((e) => e.tenantId === "tenant-a"),
    ).toBe(true);
  });
});
