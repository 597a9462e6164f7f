import { tool } from "@skein/core";
import { scriptedModel } from "@skein/core/testing";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { HEARTBEAT } from "../../src/http/sse.ts";
import { gate, gateTool, makeAgent, readSse, startTestServer, type TestServer } from "./harness.ts";

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const lookup = tool({
  name: "lookup",
  description: "Looks the answer up.",
  input: { type: "object", properties: {}, additionalProperties: false },
  run: async () => "42",
});

async function streamedText(client: OpenAI, model: string) {
  const stream = await client.chat.completions.create({
    model,
    messages: [{ role: "user", content: "question" }],
    stream: true,
  });
  const pieces: string[] = [];
  for await (const chunk of stream) {
    const content = chunk.choices[0]?.delta.content;
    if (content) pieces.push(content);
  }
  return pieces;
}

describe("OpenAI-compatible answer text", () => {
  it("is the final turn's text, streamed or not: text written before a tool call is left out of both", async () => {
    const turns = () => [
      { text: "Let me look that up. ", toolCalls: [{ id: "c1", name: "lookup", arguments: {} }] },
      { text: "The answer is 42." },
    ];
    const model = scriptedModel([...turns(), ...turns()], { chunkSize: 5 });
    t = await startTestServer([makeAgent("tooled", model, { tools: [lookup] })]);
    const client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.keyA, maxRetries: 0 });
    const whole = await client.chat.completions.create({
      model: "tooled",
      messages: [{ role: "user", content: "question" }],
    });
    expect(whole.choices[0]?.message.content).toBe("The answer is 42.");
    const pieces = await streamedText(client, "tooled");
    expect(pieces.join("")).toBe(whole.choices[0]?.message.content);
    expect(pieces.length).toBeGreaterThan(1); // still sent as the model's deltas, at the turn's end
  });

  it("streams every delta as it comes for an agent without tools, with the same text as the JSON answer", async () => {
    const model = scriptedModel([{ text: "one two three four" }, { text: "one two three four" }], {
      chunkSize: 4,
    });
    t = await startTestServer([makeAgent("plain", model)]);
    const client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.keyA, maxRetries: 0 });
    const whole = await client.chat.completions.create({
      model: "plain",
      messages: [{ role: "user", content: "question" }],
    });
    const pieces = await streamedText(client, "plain");
    expect(pieces).toEqual(["one ", "two ", "thre", "e fo", "ur"]);
    expect(pieces.join("")).toBe(whole.choices[0]?.message.content);
  });
});

describe("SSE heartbeats", () => {
  it("writes comment lines while a stream is idle; clients skip them and get every event", async () => {
    const release = gate();
    const model = scriptedModel([
      { toolCalls: [{ id: "c1", name: "wait_for_gate", arguments: {} }] },
      { text: "after the wait" },
    ]);
    t = await startTestServer([makeAgent("slow", model, { tools: [gateTool(release.promise)] })], {
      app: { sseHeartbeatMs: 5 },
    });
    const response = await t.call("/v1/agents/slow/invocations", {
      method: "POST",
      json: { input: "wait", stream: true },
    });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let raw = "";
    // The run waits on the gate: the stream is idle, so heartbeats come (waiting on the stream, not a timer).
    while (!raw.includes(`\n\n${HEARTBEAT}`)) raw += (await reader.read()).value ?? "";
    release.open();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      raw += value;
    }
    expect(HEARTBEAT).toBe(": keep-alive\n\n");
    const events = raw.split("\n\n").filter((block) => block.includes("data: "));
    expect(events.at(-1)).toMatch(/^id: \d+\nevent: run-end\n/);
    expect(events.every((block) => !block.startsWith(":"))).toBe(true);

    // Re-read by an SSE parser: the same events, no comments.
    const replay = await readSse(await t.call(`/v1/runs/${response.headers.get("x-skein-run-id")}/events`));
    expect(replay.length).toBe(events.length);
  });

  it("can be turned off", async () => {
    t = await startTestServer([makeAgent("echo", scriptedModel([{ text: "hi" }]))], {
      app: { sseHeartbeatMs: 0 },
    });
    const response = await t.call("/v1/agents/echo/invocations", {
      method: "POST",
      json: { input: "x", stream: true },
      headers: { "x-request-id": "req-sse-1" },
    });
    // Written straight to the connection, the stream still carries the request's id and the SSE headers.
    expect(response.headers.get("x-request-id")).toBe("req-sse-1");
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-cache");
    const text = await response.text();
    expect(text).not.toContain(HEARTBEAT);
    expect(text).toContain("event: run-end");
  });
});
