import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import {
  type MockOpenAIServer,
  type MockOpenAIServerOptions,
  mockResponseFromFile,
  startMockOpenAIServer,
} from "../../src/testing/mock-openai-server.ts";
import { qwenFixture } from "./helpers.ts";

let server: MockOpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: MockOpenAIServerOptions): Promise<string> {
  server = await startMockOpenAIServer(options);
  return server.url;
}

const chat = (url: string, body: Record<string, unknown>, signal?: AbortSignal) =>
  fetch(`${url}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "qwen-plus", messages: [{ role: "user", content: "hi" }], ...body }),
    signal,
  });

const dataPayloads = (text: string) =>
  text
    .split("\n\n")
    .filter((f) => f.startsWith("data: "))
    .map((f) => f.slice(6));

describe("mock OpenAI server (test double)", () => {
  it("replays a fixture file byte for byte", async () => {
    const path = qwenFixture("stream-tool-call.sse");
    const url = await start({ responses: [mockResponseFromFile(path)] });
    const response = await chat(url, { stream: true });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    expect(await response.text()).toBe(readFileSync(path, "utf8"));
  });

  it("streams chunks shaped like DashScope's, with the usage chunk only when asked", async () => {
    const url = await start({
      responses: [
        { type: "text", text: "Hello" },
        { type: "text", text: "Hello" },
      ],
    });
    const withUsage = dataPayloads(
      await (await chat(url, { stream: true, stream_options: { include_usage: true } })).text(),
    );
    const first = JSON.parse(withUsage[0]!);
    expect(Object.keys(first)).toEqual([
      "choices",
      "object",
      "usage",
      "created",
      "system_fingerprint",
      "model",
      "id",
    ]);
    expect(first).toMatchObject({
      object: "chat.completion.chunk",
      model: "qwen-plus",
      usage: null,
      system_fingerprint: null,
      choices: [{ delta: { content: "", role: "assistant" }, finish_reason: null, index: 0, logprobs: null }],
    });
    expect(withUsage.at(-1)).toBe("[DONE]");
    const usageChunk = JSON.parse(withUsage.at(-2)!);
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: 2 });
    expect(JSON.parse(withUsage.at(-3)!).choices[0].finish_reason).toBe("stop");

    const withoutUsage = dataPayloads(await (await chat(url, { stream: true })).text());
    expect(withoutUsage).toHaveLength(withUsage.length - 1);
  });

  it("answers non-streaming requests with one chat.completion body", async () => {
    const url = await start({
      responses: [{ type: "tool-calls", calls: [{ id: "c1", name: "f", arguments: { a: 1 } }] }],
    });
    const body = await (await chat(url, { stream: false })).json();
    expect(body).toMatchObject({
      object: "chat.completion",
      choices: [
        {
          finish_reason: "tool_calls",
          message: {
            role: "assistant",
            tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: '{"a":1}' } }],
          },
        },
      ],
    });
  });

  it("records requests, lists models, plays the fallback or a 500 when the queue is empty", async () => {
    const url = await start({
      models: ["qwen3-max", "qwen-plus"],
      responses: [(req) => ({ type: "text", text: req.body.model })],
    });
    expect(await (await fetch(`${url}/models`)).json()).toMatchObject({
      object: "list",
      data: [{ id: "qwen3-max" }, { id: "qwen-plus" }],
    });
    const body = await (await chat(url, { stream: false })).json();
    expect(body.choices[0].message.content).toBe("qwen-plus");
    const empty = await chat(url, { stream: false });
    expect(empty.status).toBe(500);
    expect((await empty.json()).error.message).toContain("no scripted response left");
    expect(server!.requests.map((r) => r.body.model)).toEqual(["qwen-plus", "qwen-plus"]);
    server!.enqueue({ type: "error", status: 503 });
    expect(server!.remaining).toBe(1);
  });

  it("close() ends a stalled response", async () => {
    const url = await start({ responses: [{ type: "stall", text: "wait" }] });
    const response = await chat(url, { stream: true });
    const reader = response.body!.getReader();
    await reader.read();
    const rest = reader.read();
    await server!.close();
    server = undefined;
    await expect(rest).rejects.toThrow();
  });
});
