import type { MiddlewareHandler } from "hono";
import { type RateLimit, TokenBuckets } from "../limits/token-bucket.ts";
import type { RuntimeEnv } from "./context.ts";
import { HttpError } from "./problem.ts";

/**
 * Rate limit per API key (after authentication): 429 `rate_limited` with `Retry-After` in seconds. Requests
 * without a key (dev mode on loopback) are not limited.
 */
export function rateLimit(limit: RateLimit, now: () => number): MiddlewareHandler<RuntimeEnv> {
  const buckets = new TokenBuckets(limit, now);
  return async (c, next) => {
    const keyId = c.get("keyId");
    if (keyId === undefined) return next();
    const taken = buckets.take(keyId);
    if (!taken.ok) {
      const seconds = Math.max(1, Math.ceil(taken.retryAfterMs / 1000));
      throw new HttpError(429, "rate_limited", `too many requests for this API key; retry in ${seconds} s`, {
        headers: { "retry-after": String(seconds) },
        extensions: { retryAfterSeconds: seconds },
      });
    }
    return next();
  };
}
