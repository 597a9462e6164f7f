import { scriptedModel } from "@skein/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { makeAgent, problemOf, startTestServer, type TestServer } from "./harness.ts";

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe("errors are application/problem+json with a stable code", () => {
  it("answers unknown routes and unknown agents with 404", async () => {
    t = await startTestServer([makeAgent("echo", scriptedModel([]))]);
    const route = await t.call("/v1/nothing-here");
    expect(await problemOf(route)).toEqual({
      type: "urn:skein:problem:not_found",
      title: "Not Found",
      status: 404,
      detail: "no route for GET /v1/nothing-here",
      code: "not_found",
    });
    for (const [method, path, json] of [
      ["GET", "/v1/agents/ghost", undefined],
      ["POST", "/v1/agents/ghost/invocations", { input: "hi" }],
      ["POST", "/v1/sessions", { agent: "ghost" }],
    ] as const) {
      const response = await t.call(path, { method, json });
      expect(await problemOf(response), `${method} ${path}`).toMatchObject({
        type: "urn:skein:problem:agent_not_found",
        status: 404,
        code: "agent_not_found",
        detail: 'no agent named "ghost"',
        instance: path,
      });
    }
  });

  it("validates bodies: malformed JSON, schema violations with their paths, unknown fields, media type", async () => {
    t = await startTestServer([makeAgent("echo", scriptedModel([]))]);
    const path = "/v1/agents/echo/invocations";
    const malformed = await t.call(path, {
      method: "POST",
      body: "{nope",
      headers: { "content-type": "application/json" },
    });
    expect(await problemOf(malformed)).toMatchObject({
      status: 400,
      code: "invalid_json",
      title: "Bad Request",
    });

    const missing = await problemOf(await t.call(path, { method: "POST", json: {} }));
    expect(missing).toMatchObject({ status: 400, code: "invalid_request" });
    expect(missing.errors).toEqual([expect.objectContaining({ path: "input" })]);

    const badMessage = await problemOf(
      await t.call(path, { method: "POST", json: { input: [{ role: "user", content: 42 }] } }),
    );
    expect(badMessage.code).toBe("invalid_request");
    expect(String(badMessage.detail)).toMatch(/^input/);

    const unknownField = await problemOf(
      await t.call(path, { method: "POST", json: { input: "x", sesionId: "typo" } }),
    );
    expect(unknownField.code).toBe("invalid_request");
    expect(JSON.stringify(unknownField.errors)).toContain("sesionId");

    const both = await problemOf(
      await t.call(path, { method: "POST", json: { input: "x", stream: true, async: true } }),
    );
    expect(both.code).toBe("invalid_request");

    const text = await t.call(path, {
      method: "POST",
      body: "hi",
      headers: { "content-type": "text/plain" },
    });
    expect(await problemOf(text)).toMatchObject({ status: 415, code: "unsupported_media_type" });

    const badQuery = await t.call("/v1/sessions?limit=0");
    expect(await problemOf(badQuery)).toMatchObject({ status: 400, code: "invalid_query" });
    const badCursor = await t.call("/v1/sessions?cursor=zzz");
    expect(await problemOf(badCursor)).toMatchObject({ status: 400, code: "invalid_cursor" });
  });

  it("limits body size with 413 payload_too_large", async () => {
    t = await startTestServer([makeAgent("echo", scriptedModel([]))], { app: { maxBodyBytes: 1024 } });
    const response = await t.call("/v1/agents/echo/invocations", {
      method: "POST",
      json: { input: "x".repeat(2000) },
    });
    expect(await problemOf(response)).toMatchObject({ status: 413, code: "payload_too_large" });
    // Without a content-length (a streamed body) the limit holds too.
    const chunks = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(JSON.stringify({ input: "y".repeat(4000) })));
        controller.close();
      },
    });
    const streamed = await t.call("/v1/agents/echo/invocations", {
      method: "POST",
      body: chunks,
      headers: { "content-type": "application/json" },
      duplex: "half",
    } as RequestInit);
    expect(await problemOf(streamed)).toMatchObject({ status: 413, code: "payload_too_large" });
  });

  it("answers 503 model_not_configured, naming the variables to set, when an agent has no model", async () => {
    t = await startTestServer([makeAgent("bare", undefined)], {
      modelHint: "Set SKEIN_MODEL or DASHSCOPE_API_KEY.",
    });
    const described = await (await t.call("/v1/agents/bare")).json();
    expect(described).toMatchObject({ name: "bare", model: null });
    expect(described.description).toContain("Set SKEIN_MODEL or DASHSCOPE_API_KEY.");
    const response = await t.call("/v1/agents/bare/invocations", { method: "POST", json: { input: "hi" } });
    expect(await problemOf(response)).toMatchObject({ status: 503, code: "model_not_configured" });
    expect(
      (
        await problemOf(
          await t.call("/v1/agents/bare/invocations", { method: "POST", json: { input: "hi" } }),
        )
      ).detail,
    ).toContain("DASHSCOPE_API_KEY");
    const warned = t.logs.find((line) => line.level === 40 && Array.isArray(line.agents));
    expect(warned?.agents).toEqual(["bare"]);
  });
});
