// A run's SSE stream is written two ways: straight to Node's response (a run follower per stream, what a server
// holds by the thousand) and, without a Node server (`app.request`, other runtimes), as a Web `ReadableStream`.
// Both must send the same events in the same form.
import { scriptedModel } from "@skein/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { makeAgent, startTestServer, type TestServer } from "./harness.ts";

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

interface Parsed {
  id: number;
  event: string;
  data: { type: string; text?: string };
}

const parse = (body: string): Parsed[] =>
  body
    .split("\n\n")
    .filter((block) => block.includes("data: "))
    .map((block) => ({
      id: Number(/^id: (\d+)$/m.exec(block)?.[1]),
      event: /^event: (.+)$/m.exec(block)?.[1] ?? "",
      data: JSON.parse(/^data: (.*)$/m.exec(block)![1]!),
    }));

describe("a run's SSE stream", () => {
  it("is the same on Node's response and through app.request", async () => {
    const answer = "one two three four five six";
    t = await startTestServer([
      makeAgent("talker", scriptedModel([{ text: answer }, { text: answer }], { chunkSize: 4 })),
    ]);
    const init = {
      method: "POST",
      headers: { authorization: `Bearer ${t.keyA}`, "content-type": "application/json" },
      body: JSON.stringify({ input: "talk", stream: true }),
    };
    const responses = [
      await fetch(`${t.url}/v1/agents/talker/invocations`, init),
      await t.server.handle.app.request("/v1/agents/talker/invocations", init),
    ];
    const streams: Parsed[][] = [];
    for (const response of responses) {
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
      expect(response.headers.get("cache-control")).toBe("no-cache");
      expect(response.headers.get("x-request-id")).toBeTruthy();
      const events = parse(await response.text());
      expect(events.map((e) => e.id)).toEqual(events.map((_, i) => events[0]!.id + i));
      for (const event of events) expect(event.event).toBe(event.data.type);
      expect(events.at(-1)?.event).toBe("run-end");
      const text = events
        .filter((e) => e.event === "text-delta")
        .map((e) => e.data.text)
        .join("");
      expect(text).toBe(answer);
      streams.push(events);
    }
    const [node, web] = streams;
    expect(web!.map((e) => e.event)).toEqual(node!.map((e) => e.event));
  });
});
