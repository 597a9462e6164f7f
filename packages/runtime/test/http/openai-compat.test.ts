import { scriptedModel } from "@skein/core/testing";
import OpenAI from "openai";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { SESSION_HEADER } from "../../src/http/routes/openai.ts";
import { makeAgent, startTestServer, type TestServer } from "./harness.ts";
import { openAISpecValidator } from "./openai-spec.ts";

// The OpenAI specification's own schemas validate every body and chunk the endpoint sends.
let validate: (schema: string, value: unknown) => void;
beforeAll(() => {
  validate = openAISpecValidator();
});

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const client = (server: TestServer, apiKey = server.keyA) =>
  new OpenAI({ baseURL: `${server.url}/v1`, apiKey, maxRetries: 0 });

describe("OpenAI-compatible endpoints with the official openai client", () => {
  it("lists agents as models; every body matches the OpenAI specification", async () => {
    t = await startTestServer([
      makeAgent("echo", scriptedModel([])),
      makeAgent("analyst", scriptedModel([])),
    ]);
    const models = await client(t).models.list();
    expect(models.data.map((m) => m.id)).toEqual(["echo", "analyst"]);
    validate("ListModelsResponse", await (await t.call("/v1/models")).json());
  });

  it("answers a chat completion, and continues a session named by the header", async () => {
    const model = scriptedModel([{ text: "Hi, I am echo." }, { text: "You greeted me." }]);
    t = await startTestServer([makeAgent("echo", model)]);
    const completion = await client(t).chat.completions.create({
      model: "echo",
      messages: [{ role: "user", content: "hello" }],
    });
    expect(completion.choices[0]?.message.content).toBe("Hi, I am echo.");
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    expect(completion.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 });

    const raw = await t.call("/v1/chat/completions", {
      method: "POST",
      json: { model: "echo", messages: [{ role: "user", content: [{ type: "text", text: "again" }] }] },
    });
    const sessionId = raw.headers.get(SESSION_HEADER)!;
    validate("CreateChatCompletionResponse", await raw.json());
    expect(model.requests[1]?.messages).toEqual([{ role: "user", content: "again" }]);
    expect(sessionId).toMatch(/^ses_/);
  });

  it("streams chunks that each match CreateChatCompletionStreamResponse, with usage last when asked", async () => {
    const model = scriptedModel([{ text: "one two three" }, { text: "continued" }], { chunkSize: 4 });
    t = await startTestServer([makeAgent("echo", model)]);
    const { data: stream, response } = await client(t)
      .chat.completions.create({
        model: "echo",
        messages: [{ role: "user", content: "count" }],
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    const chunks = [];
    for await (const piece of stream) {
      validate("CreateChatCompletionStreamResponse", piece);
      chunks.push(piece);
    }
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("one two three");
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage).toMatchObject({ total_tokens: 15 });
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);

    // The session the stream ran in continues with the header.
    const sessionId = response.headers.get(SESSION_HEADER)!;
    const next = await client(t).chat.completions.create(
      { model: "echo", messages: [{ role: "user", content: "more" }] },
      { headers: { [SESSION_HEADER]: sessionId } },
    );
    expect(next.choices[0]?.message.content).toBe("continued");
    expect(model.requests[1]?.messages.map((m) => m.content)).toEqual(["count", "one two three", "more"]);
  });

  it("reports errors in OpenAI's envelope: unknown model, bad key, invalid body", async () => {
    t = await startTestServer([makeAgent("echo", scriptedModel([]))]);
    const unknown = client(t).chat.completions.create({
      model: "gpt-x",
      messages: [{ role: "user", content: "hi" }],
    });
    await expect(unknown).rejects.toMatchObject({
      status: 404,
      code: "model_not_found",
      type: "not_found_error",
    });
    const badKey = client(t, "sk-skein-wrong").models.list();
    await expect(badKey).rejects.toMatchObject({ status: 401, code: "invalid_api_key" });
    const invalid = await t.call("/v1/chat/completions", {
      method: "POST",
      json: { model: "echo", messages: [] },
    });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({
      error: { type: "invalid_request_error", code: "invalid_request" },
    });
  });
});
