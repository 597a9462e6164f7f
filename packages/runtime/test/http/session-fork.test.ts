import { type Message, tool } from "@skein/core";
import { scriptedModel } from "@skein/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { makeAgent, problemOf, startTestServer, type TestServer } from "./harness.ts";

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const lookup = tool({
  name: "lookup",
  description: "Looks a city up.",
  input: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  run: async (input) => `${(input as { city: string }).city}: 250,000 people`,
});

/** What the model saw of the conversation: roles and text, tool calls by name. */
const transcript = (messages: readonly Message[]) =>
  messages.map((m) =>
    m.role === "assistant" && m.toolCalls?.length
      ? `assistant:call ${m.toolCalls[0]!.name}`
      : `${m.role}:${m.content}`,
  );

async function events(sessionId: string): Promise<{ id: number; type: string }[]> {
  return (await (await t!.call(`/v1/sessions/${sessionId}/events?limit=1000`)).json()).data;
}

async function invoke(input: string, sessionId: string) {
  const response = await t!.call("/v1/agents/guide/invocations", {
    method: "POST",
    json: { input, sessionId },
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json();
}

/** Run 1: a tool turn then an answer; run 2: an answer. Then the model answers whatever comes. */
async function conversation() {
  const model = scriptedModel([
    { toolCalls: [{ id: "call_1", name: "lookup", arguments: { city: "Porto" } }] },
    { text: "Porto has 250,000 people." },
    { text: "Lisbon is the capital." },
    ...Array.from({ length: 6 }, (_, i) => ({ text: `answer ${i}` })),
  ]);
  t = await startTestServer([makeAgent("guide", model, { tools: [lookup] })]);
  const session = await (
    await t.call("/v1/sessions", { method: "POST", json: { agent: "guide", actorId: "u-1" } })
  ).json();
  await invoke("How big is Porto?", session.id);
  await invoke("And the capital?", session.id);
  const log = await events(session.id);
  const seqOf = (type: string, nth = 0) => log.filter((e) => e.type === type)[nth]!.id;
  return { model, session, log, seqOf };
}

const fork = (sessionId: string, json: unknown, key?: string) =>
  t!.call(`/v1/sessions/${sessionId}/fork`, { method: "POST", json, key });

describe("POST /v1/sessions/{id}/fork", () => {
  it("branches at a run's end: the branch continues with that history; the original is untouched", async () => {
    const { model, session, log, seqOf } = await conversation();
    const at = seqOf("run-end", 0);
    const response = await fork(session.id, { atEvent: at, metadata: { why: "try another path" } });
    expect(response.status).toBe(201);
    const branch = await response.json();
    expect(response.headers.get("location")).toBe(`/v1/sessions/${branch.id}`);
    expect(branch).toMatchObject({
      agent: "guide",
      actorId: "u-1",
      status: "active",
      parentSessionId: session.id,
      forkedAtEvent: at,
      requestedEvent: at,
      lastEventId: at,
      metadata: { why: "try another path" },
    });
    expect((await events(branch.id)).map((e) => [e.id, e.type])).toEqual(
      log.filter((e) => e.id <= at).map((e) => [e.id, e.type]),
    );

    await invoke("What about Braga instead?", branch.id);
    expect(transcript(model.requests.at(-1)!.messages)).toEqual([
      "user:How big is Porto?",
      "assistant:call lookup",
      "tool:Porto: 250,000 people",
      "assistant:Porto has 250,000 people.",
      "user:What about Braga instead?",
    ]);
    // The original's log is as it was, and it goes on with its own history.
    expect(await events(session.id)).toEqual(log);
    await invoke("Thanks.", session.id);
    const original = transcript(model.requests.at(-1)!.messages);
    expect(original).toContain("user:And the capital?");
    expect(original).not.toContain("user:What about Braga instead?");
    const branches = (await (await t!.call(`/v1/sessions?parentSessionId=${session.id}`)).json()).data;
    expect(branches.map((s: any) => s.id)).toEqual([branch.id]);
    const got = await (await t!.call(`/v1/sessions/${branch.id}`)).json();
    expect(got).toMatchObject({ parentSessionId: session.id, forkedAtEvent: at });
  });

  it("refuses a fork point inside a tool unit, or rounds it down to the unit boundary before", async () => {
    const { model, session, seqOf } = await conversation();
    // Between the tool call and its result: the call may not be split from its result.
    const inside = seqOf("tool-call");
    const refused = await fork(session.id, { atEvent: inside });
    const problem = await problemOf(refused);
    expect(problem).toMatchObject({ status: 409, code: "fork_inside_unit", boundary: seqOf("run-start", 0) });
    // Inside the model turn that ends run 1 (its deltas): refused the same way, boundary = the tool result.
    const delta = seqOf("text-delta", 0);
    expect(await problemOf(await fork(session.id, { atEvent: delta }))).toMatchObject({
      code: "fork_inside_unit",
      boundary: seqOf("tool-result"),
    });

    const rounded = await (await fork(session.id, { atEvent: inside, round: "down" })).json();
    expect(rounded).toMatchObject({ forkedAtEvent: seqOf("run-start", 0), requestedEvent: inside });
    await invoke("Actually, skip that.", rounded.id);
    expect(transcript(model.requests.at(-1)!.messages)).toEqual([
      "user:How big is Porto?",
      "user:Actually, skip that.",
    ]);

    // Right after the tool result, the tool unit is whole: the branch keeps the call with its result.
    const afterResult = await (await fork(session.id, { atEvent: seqOf("tool-result") })).json();
    expect(afterResult.forkedAtEvent).toBe(seqOf("tool-result"));
    await invoke("Go on.", afterResult.id);
    expect(transcript(model.requests.at(-1)!.messages)).toEqual([
      "user:How big is Porto?",
      "assistant:call lookup",
      "tool:Porto: 250,000 people",
      "user:Go on.",
    ]);

    const empty = await (await fork(session.id, { atEvent: 0 })).json();
    expect(empty.lastEventId).toBe(0);
    expect(await events(empty.id)).toEqual([]);
  });

  it("validates the fork point and keeps branches tenant-scoped", async () => {
    const { session } = await conversation();
    const last = (await (await t!.call(`/v1/sessions/${session.id}`)).json()).lastEventId;
    expect(await problemOf(await fork(session.id, { atEvent: last + 1 }))).toMatchObject({
      status: 400,
      code: "fork_point_out_of_range",
    });
    expect(await problemOf(await fork(session.id, { atEvent: -1 }))).toMatchObject({
      code: "invalid_request",
    });
    expect(await problemOf(await fork(session.id, {}))).toMatchObject({ code: "invalid_request" });
    expect(await problemOf(await fork("ses_missing", { atEvent: 0 }))).toMatchObject({
      status: 404,
      code: "session_not_found",
    });
    const branch = await (await fork(session.id, { atEvent: last, id: "my-branch" })).json();
    expect(branch.id).toBe("my-branch");
    expect(await problemOf(await fork(session.id, { atEvent: 1, id: "my-branch" }))).toMatchObject({
      status: 409,
      code: "already_exists",
    });

    // Tenant B can neither fork A's session nor see its branches.
    expect(await problemOf(await fork(session.id, { atEvent: 1 }, t!.keyB))).toMatchObject({
      status: 404,
      code: "session_not_found",
    });
    expect(await problemOf(await t!.call(`/v1/sessions/${branch.id}`, { key: t!.keyB }))).toMatchObject({
      code: "session_not_found",
    });
    const listed = await (
      await t!.call(`/v1/sessions?parentSessionId=${session.id}`, { key: t!.keyB })
    ).json();
    expect(listed.data).toEqual([]);
  });
});
