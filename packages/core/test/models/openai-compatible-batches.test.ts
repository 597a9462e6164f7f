// The adapter hands the agent loop its events in batches (one per network read, internal), while its public
// `stream` still yields one event at a time: both must carry the same events, and a finished turn must not wait
// for a server that keeps its body open after `[DONE]`.
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ModelResponseError } from "../../src/errors/errors.ts";
import { type BatchingModel, eventBatches } from "../../src/model/event-batches.ts";
import type { ModelEvent } from "../../src/model/model.ts";
import { openaiCompatible } from "../../src/models/openai-compatible/openai-compatible.ts";
import { startMockOpenAIServer } from "../../src/testing/mock-openai-server.ts";
import { collect, user } from "./helpers.ts";

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: "c1", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

async function batches(model: BatchingModel, request = user("hi")): Promise<ModelEvent[][]> {
  const out: ModelEvent[][] = [];
  for await (const batch of model[eventBatches](request)) out.push(batch);
  return out;
}

describe("openaiCompatible event batches", () => {
  it("the public stream yields the same events as the batches, one at a time", async () => {
    const server = await startMockOpenAIServer({
      responses: [
        { type: "text", text: "Hello, batched world", reasoning: "greet" },
        { type: "text", text: "Hello, batched world", reasoning: "greet" },
      ],
    });
    closers.push(() => server.close());
    const model = openaiCompatible({ baseURL: server.url, model: "m" }) as BatchingModel;
    const single = await collect(model.stream(user("hi")));
    const batched = await batches(model);
    const withoutIds = (events: ModelEvent[]) =>
      events.map((e) => (e.type === "finish" ? { ...e, requestId: undefined } : e));
    expect(withoutIds(batched.flat())).toEqual(withoutIds(single));
    expect(single.at(-1)).toMatchObject({ type: "finish", reason: "stop" });
    expect(batched.every((batch) => batch.length > 0)).toBe(true);
  });

  it("events of a read go out before a malformed payload later in the same read fails the turn", async () => {
    const body = `${chunk({ content: "Good" })}data: {not json}\n\n`;
    const server = await startMockOpenAIServer({ responses: [{ type: "sse", body }] });
    closers.push(() => server.close());
    const model = openaiCompatible({ baseURL: server.url, model: "m" }) as BatchingModel;
    const seen: ModelEvent[][] = [];
    const error = await (async () => {
      for await (const batch of model[eventBatches](user("hi"))) seen.push(batch);
    })().catch((e) => e);
    expect(seen).toEqual([[{ type: "text-delta", text: "Good" }]]);
    expect(error).toBeInstanceOf(ModelResponseError);
  });

  it("a consumer that stops reading the public stream early ends the request", async () => {
    let closed!: () => void;
    const closedByClient = new Promise<void>((resolve) => {
      closed = resolve;
    });
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write(chunk({ content: "First" }));
        res.on("close", () => closed());
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    const { port } = server.address() as AddressInfo;
    const model = openaiCompatible({ baseURL: `http://127.0.0.1:${port}/v1`, model: "m" });
    for await (const event of model.stream(user("hi"))) {
      expect(event).toEqual({ type: "text-delta", text: "First" });
      break;
    }
    await closedByClient; // never settles if the request were left open
  });

  it("a turn ends at [DONE] although the server keeps the body open", async () => {
    const held: ServerResponse[] = [];
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write(`${chunk({ content: "Done early" }, "stop")}data: [DONE]\n\n`);
        held.push(res); // never ended by the handler: only the test's cleanup ends it
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          for (const res of held) res.end();
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    const { port } = server.address() as AddressInfo;
    const model = openaiCompatible({ baseURL: `http://127.0.0.1:${port}/v1`, model: "m" });
    const events = await collect(model.stream(user("hi")));
    expect(events).toEqual([
      { type: "text-delta", text: "Done early" },
      { type: "finish", reason: "stop", requestId: "c1" },
    ]);
    expect(held).toHaveLength(1);
    expect(held[0]!.writableEnded).toBe(false);
  });
});
