import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { RuntimeEnv } from "./context.ts";
import { HttpError } from "./problem.ts";

/**
 * 413 `payload_too_large` for bodies over `maxSize` bytes: Hono's `bodyLimit`, with its common cases answered from
 * the headers first. Hono's checks `request.body`, which makes the Node adapter build a full undici Request (body
 * stream, signal, headers) for every request, kept alive as long as the response (an SSE stream's whole life).
 */
export function limitBody(maxSize: number): MiddlewareHandler<RuntimeEnv> {
  const tooLarge = (): never => {
    throw new HttpError(413, "payload_too_large", `the request body is larger than ${maxSize} bytes`);
  };
  const counting = bodyLimit({ maxSize, onError: tooLarge });
  return async (c, next) => {
    const length = c.req.header("content-length");
    // As Hono's: a declared length is the body's length (the HTTP parser frames the body by it).
    if (length !== undefined && c.req.header("transfer-encoding") === undefined)
      return Number.parseInt(length, 10) > maxSize ? tooLarge() : next();
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    return counting(c, next); // no declared length: counted while read
  };
}
