import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RuntimeEnv } from "../../src/http/context.ts";
import { type SseMessage, sseResponse } from "../../src/http/sse.ts";

/** `sseResponse`, the generic helper, answered on Node (written to the connection) and through `app.request` (Web). */
const app = new Hono<RuntimeEnv>();
app.use(async (c, next) => {
  c.set("requestId", "req-1");
  await next();
});
app.get("/sse", (c) =>
  sseResponse(
    c,
    async function* (): AsyncGenerator<number> {
      yield 1;
      yield 2;
    },
    { "x-extra": "yes" },
    { heartbeatMs: 0, toMessage: (n): SseMessage => ({ id: n, event: "n", data: { n } }) },
  ),
);
app.get("/fails", (c) =>
  sseResponse(c, async function* (): AsyncGenerator<SseMessage> {
    yield { data: "first", raw: true };
    throw new Error("source failed");
  }),
);

const expected = 'id: 1\nevent: n\ndata: {"n":1}\n\nid: 2\nevent: n\ndata: {"n":2}\n\n';
let server: ReturnType<typeof serve>;
let url: string;
beforeAll(async () => {
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (address: AddressInfo) => {
      url = `http://127.0.0.1:${address.port}`;
      resolve();
    });
  });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("sseResponse", () => {
  it("writes every message with its id and event, then ends, on Node and through app.request", async () => {
    for (const response of [await fetch(`${url}/sse`), await app.request("/sse")]) {
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
      expect(response.headers.get("x-request-id")).toBe("req-1");
      expect(response.headers.get("x-extra")).toBe("yes");
      expect(await response.text()).toBe(expected);
    }
  });

  it("tears the connection down when the source fails: the client sees an error, not a clean end", async () => {
    const response = await fetch(`${url}/fails`);
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });
});
