import { scriptedModel } from "@skein/core/testing";
import { hashedEmbedder } from "@skein/memory/testing";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterEach, describe, expect, it } from "vitest";
import { makeAgent, problemOf, startTestServer, type TestServer } from "../http/harness.ts";

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const agents = () => [makeAgent("echo", scriptedModel([]))];

async function create(server: TestServer, json: unknown, key?: string) {
  const response = await server.call("/v1/memory/records", { method: "POST", json, key });
  expect(response.status, await response.clone().text()).toBe(201);
  return response.json();
}

describe("/v1/memory records (BM25 only: no embedding model)", () => {
  it("creates, gets, lists with filters and pages, and says whoami has memory", async () => {
    t = await startTestServer(agents(), { memory: { embeddings: false } });
    const who = await (await t.call("/v1/whoami")).json();
    expect(who.features).toMatchObject({ memory: true, memorySearch: "bm25" });

    const fact = await create(t, { actorId: "u-1", text: "The user lives in Porto." });
    expect(fact).toMatchObject({
      namespace: "/tenants/tenant-a/actors/u-1/facts",
      kind: "fact",
      status: "active",
      provenance: { eventIds: [], source: "manual" },
      expiresAt: null,
      supersedes: null,
    });
    const pref = await create(t, {
      actorId: "u-1",
      kind: "preference",
      text: "The user prefers answers in tables.",
      metadata: { confidence: 0.9 },
    });
    await create(t, {
      namespace: "/tenants/tenant-a/shared/glossary",
      kind: "term",
      text: "Capex: capital spending",
    });

    const got = await (await t.call(`/v1/memory/records/${fact.id}`)).json();
    expect(got).toMatchObject({ id: fact.id, text: "The user lives in Porto.", versions: [{ id: fact.id }] });
    expect(got.history).toEqual([expect.objectContaining({ seq: 1, action: "created", reason: "manual" })]);

    const all = await (await t.call("/v1/memory/records")).json();
    expect(all.data).toHaveLength(3);
    const actor = await (await t.call("/v1/memory/records?namespace=/tenants/tenant-a/actors/u-1")).json();
    expect(actor.data.map((r: any) => r.id).sort()).toEqual([fact.id, pref.id].sort());
    const prefs = await (await t.call("/v1/memory/records?kind=preference,term")).json();
    expect(prefs.data.map((r: any) => r.kind).sort()).toEqual(["preference", "term"]);
    expect(prefs.data.find((r: any) => r.kind === "preference").metadata).toEqual({ confidence: 0.9 });
    const future = await (await t.call("/v1/memory/records?createdAfter=2999-01-01")).json();
    expect(future.data).toEqual([]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
      const page: any = await (await t.call(`/v1/memory/records?limit=2${query}`)).json();
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((r: any) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(3);
  });

  it("searches by BM25 and says so; filters by kind and namespace", async () => {
    t = await startTestServer(agents(), { memory: { embeddings: false } });
    await create(t, { actorId: "u-1", text: "The user lives in Porto, near the river." });
    await create(t, { actorId: "u-1", kind: "preference", text: "The user likes Porto wine." });
    await create(t, { actorId: "u-2", text: "The user lives in Lisbon." });
    const result = await (await t.call("/v1/memory/search?q=Porto")).json();
    expect(result.mode).toBe("bm25");
    expect(result.embeddingError).toBeNull();
    expect(result.data).toHaveLength(2);
    expect(result.data[0]).toMatchObject({ bm25Rank: 1, vectorRank: null, distance: null });
    const facts = await (await t.call("/v1/memory/search?q=Porto&kind=fact")).json();
    expect(facts.data.map((h: any) => h.record.text)).toEqual(["The user lives in Porto, near the river."]);
    const u2 = await (
      await t.call("/v1/memory/search?q=lives&namespace=/tenants/tenant-a/actors/u-2")
    ).json();
    expect(u2.data.map((h: any) => h.record.text)).toEqual(["The user lives in Lisbon."]);
    const hybrid = await t.call("/v1/memory/search?q=Porto&mode=hybrid");
    expect(await problemOf(hybrid)).toMatchObject({ status: 400, code: "embedding_not_configured" });
  });

  it("updates as a new version, keeps the history, and deletes every version from search", async () => {
    t = await startTestServer(agents(), { memory: { embeddings: false } });
    const v1 = await create(t, { actorId: "u-1", text: "The user works at Acme." });
    const patched = await t.call(`/v1/memory/records/${v1.id}`, {
      method: "PATCH",
      json: { text: "The user works at Globex since May." },
    });
    expect(patched.status).toBe(200);
    const v2 = await patched.json();
    expect(v2.id).not.toBe(v1.id);
    expect(v2).toMatchObject({ supersedes: v1.id, status: "active", namespace: v1.namespace });
    const old = await (await t.call(`/v1/memory/records/${v1.id}`)).json();
    expect(old).toMatchObject({ status: "retired", retiredReason: "updated", supersededBy: v2.id });
    expect(old.history.map((c: any) => c.action)).toEqual(["created", "superseded"]);
    const detail = await (await t.call(`/v1/memory/records/${v2.id}`)).json();
    expect(detail.versions.map((v: any) => v.text)).toEqual([
      "The user works at Acme.",
      "The user works at Globex since May.",
    ]);
    // Only the active version is found; the retired one cannot be updated.
    const found = await (await t.call("/v1/memory/search?q=works")).json();
    expect(found.data.map((h: any) => h.record.id)).toEqual([v2.id]);
    const again = await t.call(`/v1/memory/records/${v1.id}`, { method: "PATCH", json: { text: "x" } });
    expect(await problemOf(again)).toMatchObject({ status: 409, code: "memory_record_retired" });

    expect((await t.call(`/v1/memory/records/${v2.id}`, { method: "DELETE" })).status).toBe(204);
    for (const id of [v1.id, v2.id])
      expect(await problemOf(await t.call(`/v1/memory/records/${id}`))).toMatchObject({
        status: 404,
        code: "memory_record_not_found",
      });
    const retired = await (await t.call("/v1/memory/search?q=works&status=any")).json();
    expect(retired.data).toEqual([]);
    const missing = await t.call(`/v1/memory/records/${v2.id}`, { method: "DELETE" });
    expect(await problemOf(missing)).toMatchObject({ status: 404, code: "memory_record_not_found" });
  });

  it("refuses bad input with problem+json and stable codes", async () => {
    t = await startTestServer(agents(), { memory: { embeddings: false } });
    const cases: [string, string, unknown, number, string][] = [
      ["POST", "/v1/memory/records", { text: "no owner" }, 400, "invalid_request"],
      [
        "POST",
        "/v1/memory/records",
        { actorId: "u", namespace: "/tenants/tenant-a/x", text: "both" },
        400,
        "invalid_request",
      ],
      ["POST", "/v1/memory/records", { actorId: "u", text: "  " }, 400, "invalid_request"],
      ["POST", "/v1/memory/records", { actorId: "u", text: "x", kind: "Bad Kind" }, 400, "invalid_request"],
      ["POST", "/v1/memory/records", { actorId: "u", text: "x", bogus: 1 }, 400, "invalid_request"],
      [
        "POST",
        "/v1/memory/records",
        { namespace: "/tenants/tenant-b/steal", text: "x" },
        400,
        "namespace_outside_tenant",
      ],
      [
        "POST",
        "/v1/memory/records",
        { namespace: "/tenants/tenant-a//x", text: "x" },
        400,
        "invalid_memory_input",
      ],
      ["GET", "/v1/memory/search", undefined, 400, "invalid_query"],
      ["GET", "/v1/memory/records?limit=0", undefined, 400, "invalid_query"],
      ["GET", "/v1/memory/records?createdAfter=yesterday", undefined, 400, "invalid_query"],
      ["GET", "/v1/memory/records?cursor=nope", undefined, 400, "invalid_memory_input"],
      ["PATCH", "/v1/memory/records/nope", { text: "x" }, 404, "memory_record_not_found"],
      ["GET", "/v1/memory/jobs/nope", undefined, 404, "extraction_job_not_found"],
      ["POST", "/v1/memory/jobs", { sessionId: "ses_missing" }, 404, "session_not_found"],
    ];
    for (const [method, path, json, status, code] of cases) {
      const response = await t.call(path, { method, json });
      expect(await problemOf(response), `${method} ${path} ${JSON.stringify(json)}`).toMatchObject({
        status,
        code,
      });
    }
    const record = await create(t, { actorId: "u", text: "x" });
    const empty = await t.call(`/v1/memory/records/${record.id}`, { method: "PATCH", json: {} });
    expect(await problemOf(empty)).toMatchObject({ status: 400, code: "invalid_request" });
  });

  it("answers 404 memory_not_enabled on every memory route when memory is not mounted", async () => {
    t = await startTestServer(agents());
    expect((await (await t.call("/v1/whoami")).json()).features).toMatchObject({
      memory: false,
      memorySearch: null,
    });
    for (const [method, path] of [
      ["GET", "/v1/memory/records"],
      ["GET", "/v1/memory/search?q=x"],
      ["GET", "/v1/memory/records/r1"],
      ["DELETE", "/v1/memory/actors/u-1"],
      ["GET", "/v1/memory/jobs"],
    ])
      expect(await problemOf(await t.call(path!, { method }))).toMatchObject({
        status: 404,
        code: "memory_not_enabled",
      });
  });
});

describe("/v1/memory with an embedding model", () => {
  it("searches hybrid (BM25 and vectors fused) and says so", async () => {
    t = await startTestServer(agents(), {
      memory: { embeddings: hashedEmbedder({ synonyms: { espresso: "coffee", latte: "coffee" } }) },
    });
    expect((await (await t.call("/v1/whoami")).json()).features.memorySearch).toBe("hybrid");
    const espresso = await create(t, {
      actorId: "u-1",
      kind: "preference",
      text: "The user drinks espresso every morning.",
    });
    await create(t, { actorId: "u-1", text: "The user owns a bicycle." });
    const result = await (await t.call("/v1/memory/search?q=latte")).json();
    expect(result.mode).toBe("hybrid");
    // No word in common: only the vector index (synonyms in the test embedder) finds it.
    expect(result.data[0]).toMatchObject({
      record: { text: "The user drinks espresso every morning." },
      bm25Rank: null,
      vectorRank: 1,
    });
    const bm25 = await (await t.call("/v1/memory/search?q=latte&mode=bm25")).json();
    expect(bm25).toMatchObject({ mode: "bm25", data: [] });
    // Deleted: gone from the vector index too.
    expect((await t.call(`/v1/memory/records/${espresso.id}`, { method: "DELETE" })).status).toBe(204);
    const after = await (await t.call("/v1/memory/search?q=latte&mode=vector")).json();
    expect(after.data.map((h: any) => h.record.id)).not.toContain(espresso.id);
    expect(
      (await t.server.handle.memory!.store.searchVector("tenant-a", new Array(64).fill(0.1))).length,
    ).toBe(1);
  });
});

describe("the OpenAPI document of the memory and fork routes", () => {
  it("describes what the server really sends", async () => {
    const chat = scriptedModel([{ text: "ok" }]);
    const extraction = scriptedModel([{ text: '{"memories": [{"text": "The user likes maps."}]}' }]);
    t = await startTestServer([makeAgent("echo", chat)], {
      memory: {
        embeddings: false,
        extractionModel: extraction,
        agents: { echo: { strategies: ["semantic"], consolidation: "rule" } },
      },
    });
    const doc = await (await t.call("/v1/openapi.json", { key: null })).json();
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    ajv.addSchema({ $id: "https://skein.test/openapi.json", components: doc.components });
    const check = (name: string, value: unknown) => {
      const validate = ajv.getSchema(`https://skein.test/openapi.json#/components/schemas/${name}`)!;
      if (!validate(value)) throw new Error(`${name}: ${ajv.errorsText(validate.errors)}`);
    };
    const record = await create(t, { actorId: "u-1", text: "The user likes maps.", metadata: { a: 1 } });
    check("MemoryRecord", record);
    const v2 = await (
      await t.call(`/v1/memory/records/${record.id}`, {
        method: "PATCH",
        json: { expiresAt: "2999-01-01T00:00:00Z" },
      })
    ).json();
    check("MemoryRecord", v2);
    check("MemoryRecordDetail", await (await t.call(`/v1/memory/records/${v2.id}`)).json());
    check("MemoryRecordList", await (await t.call("/v1/memory/records?status=any")).json());
    check("MemorySearchResult", await (await t.call("/v1/memory/search?q=maps")).json());
    const run = await (
      await t.call("/v1/agents/echo/invocations", {
        method: "POST",
        json: { input: "I like maps", actorId: "u-1" },
      })
    ).json();
    const job = await (
      await t.call("/v1/memory/jobs", { method: "POST", json: { sessionId: run.sessionId } })
    ).json();
    check("ExtractionJob", job);
    await t.server.handle.memory!.settled();
    check("ExtractionJob", await (await t.call(`/v1/memory/jobs/${job.id}`)).json());
    check("ExtractionJobList", await (await t.call("/v1/memory/jobs")).json());
    check("DeletedActor", await (await t.call("/v1/memory/actors/u-1", { method: "DELETE" })).json());
    const branch = await t.call(`/v1/sessions/${run.sessionId}/fork`, {
      method: "POST",
      json: { atEvent: 1 },
    });
    check("ForkedSession", await branch.json());
    check("SessionList", await (await t.call(`/v1/sessions?parentSessionId=${run.sessionId}`)).json());
    check("ForkSessionRequest", { atEvent: 3, round: "down" });
    expect(() => check("CreateMemoryRecordRequest", { actorId: "u", text: "x", bogus: 1 })).toThrow(
      /additional/,
    );
  });
});
