import { scriptedModel } from "@skein/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { makeAgent, problemOf, startTestServer, type TestServer } from "../http/harness.ts";

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const T0 = Date.parse("2025-06-01T08:00:00Z");
const memories = (...texts: string[]) => ({
  text: JSON.stringify({ memories: texts.map((text) => ({ text })) }),
});
const settled = () => t!.server.handle.memory!.settled();

async function invoke(input: string, extra: Record<string, unknown> = {}) {
  const response = await t!.call("/v1/agents/assistant/invocations", {
    method: "POST",
    json: { input, actorId: "u-1", ...extra },
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json();
}

describe("memory extraction in the runtime (scripted chat and extraction models)", () => {
  it("extracts after every N user turns in the background; jobs show what they produced", async () => {
    const chat = scriptedModel([{ text: "Nice." }, { text: "Noted." }, { text: "You live in Porto." }]);
    const extraction = scriptedModel([memories("The user lives in Porto.", "The user has a dog named Rex.")]);
    t = await startTestServer([makeAgent("assistant", chat)], {
      memory: {
        embeddings: false,
        extractionModel: extraction,
        agents: { assistant: { strategies: ["semantic"], extractEveryTurns: 2, consolidation: "rule" } },
      },
    });
    const first = await invoke("I moved to Porto last week.");
    await settled();
    expect((await (await t.call("/v1/memory/jobs")).json()).data).toEqual([]);
    expect(extraction.requests).toHaveLength(0);

    await invoke("My dog Rex loves the beach.", { sessionId: first.sessionId });
    await settled();
    const jobs = (await (await t.call("/v1/memory/jobs")).json()).data;
    expect(jobs).toHaveLength(1);
    const job = jobs[0];
    expect(job).toMatchObject({
      namespace: "/tenants/tenant-a/actors/u-1",
      sessionId: first.sessionId,
      trigger: "turns",
      strategies: ["semantic"],
      messageCount: 4,
      status: "succeeded",
      error: null,
      outcome: { updated: [], contradicted: [], duplicates: [] },
    });
    expect(job.outcome.created).toHaveLength(2);
    expect(await (await t.call(`/v1/memory/jobs/${job.id}`)).json()).toEqual(job);
    // The extraction model read both turns, escaped inside a transcript.
    const transcript = extraction.requests[0]!.messages[0]!.content as string;
    expect(transcript).toContain("I moved to Porto last week.");
    expect(transcript).toContain("My dog Rex loves the beach.");

    const record = await (await t.call(`/v1/memory/records/${job.outcome.created[0]}`)).json();
    expect(record).toMatchObject({
      namespace: "/tenants/tenant-a/actors/u-1/facts",
      kind: "fact",
      text: "The user lives in Porto.",
      provenance: { sessionId: first.sessionId, source: "semantic", jobId: job.id },
    });
    // Provenance: the session events the turns were committed as (both runs' inputs among them).
    const events = (await (await t.call(`/v1/sessions/${first.sessionId}/events`)).json()).data;
    const starts = events.filter((e: any) => e.type === "run-start").map((e: any) => String(e.id));
    expect(record.provenance.eventIds).toEqual(expect.arrayContaining(starts));

    // A later turn of the actor (in a new session) gets the record in its system prompt.
    await invoke("Where do I live, Porto or Lisbon?");
    const system = chat.requests[2]!.system ?? "";
    expect(system).toContain("<memory>");
    expect(system).toContain("The user lives in Porto.");
  });

  it("extracts when the session expires, and on request for a session", async () => {
    let clock = T0;
    const chat = scriptedModel([{ text: "Hello." }, { text: "Bye." }]);
    const extraction = scriptedModel([
      memories("The user is called Ana."),
      memories("The user is called Ana."),
      memories("The user plays chess."),
    ]);
    t = await startTestServer(
      [makeAgent("assistant", chat), makeAgent("plain", scriptedModel([{ text: "hi" }]))],
      {
        app: { now: () => clock },
        memory: {
          embeddings: false,
          extractionModel: extraction,
          agents: { assistant: { strategies: ["semantic"], consolidation: "rule" } },
        },
      },
    );
    const run = await invoke("Hi, I'm Ana.");
    await settled();
    expect((await (await t.call("/v1/memory/jobs")).json()).data).toEqual([]); // 1 turn < 4

    clock = T0 + 16 * 60_000;
    expect((await t.server.handle.expireSessions()).map((s) => s.id)).toEqual([run.sessionId]);
    await settled();
    const [ended] = (await (await t.call(`/v1/memory/jobs?sessionId=${run.sessionId}`)).json()).data;
    expect(ended).toMatchObject({ trigger: "session-end", status: "succeeded", messageCount: 2 });
    expect(ended.outcome.created).toHaveLength(1);

    // On request: the whole session again; the same fact is a duplicate, nothing new is written.
    const queued = await t.call("/v1/memory/jobs", { method: "POST", json: { sessionId: run.sessionId } });
    expect(queued.status).toBe(202);
    const job = await queued.json();
    expect(job).toMatchObject({ trigger: "manual", strategies: ["semantic"] });
    expect(["queued", "running", "succeeded"]).toContain(job.status);
    await settled();
    const done = await (await t.call(`/v1/memory/jobs/${job.id}`)).json();
    expect(done).toMatchObject({
      status: "succeeded",
      outcome: { created: [], duplicates: ended.outcome.created },
    });

    const unknown = await t.call("/v1/memory/jobs", {
      method: "POST",
      json: { sessionId: run.sessionId, strategies: ["nope"] },
    });
    expect(await problemOf(unknown)).toMatchObject({ status: 400, code: "unknown_strategy" });
    clock = T0 + 20 * 60_000;
    const plain = await (
      await t.call("/v1/agents/plain/invocations", { method: "POST", json: { input: "hey" } })
    ).json();
    const off = await t.call("/v1/memory/jobs", { method: "POST", json: { sessionId: plain.sessionId } });
    expect(await problemOf(off)).toMatchObject({ status: 409, code: "memory_not_enabled_for_agent" });
    const fresh = await (
      await t.call("/v1/sessions", { method: "POST", json: { agent: "assistant" } })
    ).json();
    const empty = await t.call("/v1/memory/jobs", { method: "POST", json: { sessionId: fresh.id } });
    expect(await problemOf(empty)).toMatchObject({ status: 409, code: "session_empty" });
  });

  it("deleting an actor removes its records from search, listing and jobs; other actors stay", async () => {
    const chat = scriptedModel([{ text: "ok" }, { text: "ok" }]);
    const extraction = scriptedModel([memories("The user sails on weekends."), memories()]);
    t = await startTestServer([makeAgent("assistant", chat)], {
      memory: {
        embeddings: false,
        extractionModel: extraction,
        agents: { assistant: { strategies: ["semantic"], extractEveryTurns: 1, consolidation: "rule" } },
      },
    });
    await invoke("I sail every weekend.");
    await settled();
    const other = await t.call("/v1/memory/records", {
      method: "POST",
      json: { actorId: "u-2", text: "The user sails a catamaran." },
    });
    expect(other.status).toBe(201);
    expect((await (await t.call("/v1/memory/search?q=sail")).json()).data).toHaveLength(2);
    expect((await (await t.call("/v1/memory/jobs")).json()).data).toHaveLength(1);

    const deleted = await t.call("/v1/memory/actors/u-1", { method: "DELETE" });
    expect(await deleted.json()).toEqual({
      actorId: "u-1",
      namespace: "/tenants/tenant-a/actors/u-1",
      deleted: 1,
    });
    const left = (await (await t.call("/v1/memory/search?q=sail&status=any")).json()).data;
    expect(left.map((h: any) => h.record.text)).toEqual(["The user sails a catamaran."]);
    expect(
      (await (await t.call("/v1/memory/records?namespace=/tenants/tenant-a/actors/u-1")).json()).data,
    ).toEqual([]);
    expect((await (await t.call("/v1/memory/jobs")).json()).data).toEqual([]);
    // The actor's next turn finds nothing about them in its prompt.
    await invoke("Do I sail?");
    expect(chat.requests[1]!.system ?? "").not.toContain("sail");
  });
});
