// A client that stops reading an SSE stream: the run does not wait for it (it ends and is committed while the
// client reads nothing), and once the client reads again it gets every event, in order, to the run's end. The run
// sends far more than loopback socket buffers hold, so the stream goes through `write()` returning false and
// `drain`; that the server then holds nothing more than the socket takes is not observable here (bench/ measures
// memory).
import http from "node:http";
import { scriptedModel } from "@skein/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { makeAgent, startTestServer, type TestServer } from "./harness.ts";

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** Far more than loopback socket buffers hold (a few MB each way), so the server's writes must hit backpressure. */
const CHUNK = 64 * 1024;
const CHUNKS = 400;

describe("an SSE client that stops reading", () => {
  it("neither holds up the run nor loses an event", async () => {
    const text = "x".repeat(CHUNK * CHUNKS);
    t = await startTestServer([makeAgent("big", scriptedModel([{ text }], { chunkSize: CHUNK }))]);
    const server = t;

    const body = JSON.stringify({ input: "go", stream: true });
    const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const request = http.request(`${server.url}/v1/agents/big/invocations`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${server.keyA}`,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        },
      });
      request.on("response", resolve);
      request.on("error", reject);
      request.end(body);
    });
    expect(response.statusCode).toBe(200);
    response.setEncoding("utf8");

    // Read up to the first whole event (run-start, with the run's id), then stop reading.
    let received = "";
    await new Promise<void>((resolve) => {
      const onData = (chunk: string) => {
        received += chunk;
        if (!received.includes("\n\n")) return;
        response.off("data", onData);
        response.pause();
        resolve();
      };
      response.on("data", onData);
    });
    const runId = /"runId":"([^"]+)"/.exec(received)?.[1];
    expect(runId).toBeDefined();

    // The run ends while the client reads nothing.
    const run = (await server.server.store.getRun("tenant-a", runId!))!;
    const ended = await server.server.handle.runs.wait(run);
    expect(ended.status).toBe("completed");
    const readWhileRunning = received.length;
    expect(readWhileRunning).toBeLessThan(text.length / 2);

    // Reading again: every event arrives, ids consecutive, the whole text, then run-end and the end of the stream.
    response.on("data", (chunk: string) => {
      received += chunk;
    });
    response.resume();
    await new Promise<void>((resolve, reject) => {
      response.on("end", resolve);
      response.on("error", reject);
    });
    const events = received
      .split("\n\n")
      .filter((block) => block.includes("data: "))
      .map((block) => ({
        id: Number(/^id: (\d+)$/m.exec(block)?.[1]),
        type: /^event: (.+)$/m.exec(block)?.[1],
        data: JSON.parse(/^data: (.*)$/m.exec(block)![1]!),
      }));
    const ids = events.map((event) => event.id);
    expect(ids).toEqual(ids.map((_, i) => ids[0]! + i));
    const streamed = events
      .filter((event) => event.type === "text-delta")
      .map((event) => event.data.text as string)
      .join("");
    expect(streamed.length).toBe(text.length);
    expect(events.at(-1)?.type).toBe("run-end");
  }, 60_000);
});
