/**
 * The least `fetch` over `node:http` that the raw loop needs (status, `ok`, the body as an async iterable of chunks,
 * Node's keep-alive global agent): the raw loop on the transport Skein uses by default on Node, so that Skein's own
 * overhead can be read like for like (`bench/step-overhead.ts`).
 */
import { request } from "node:http";

export const rawHttpFetch = ((
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
) =>
  new Promise((resolve, reject) => {
    const req = request(url, { method: init.method, headers: init.headers }, (res) => {
      const status = res.statusCode ?? 0;
      resolve({ ok: status >= 200 && status < 300, status, body: res });
    });
    req.on("error", reject);
    req.end(init.body);
  })) as unknown as typeof fetch;
