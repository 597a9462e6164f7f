/** A token bucket per key: `burst` requests at once, refilled at `perSecond`. */
export interface RateLimit {
  burst: number;
  perSecond: number;
}

/** Defaults: bursts of 120 requests, 20 per second sustained (1,200 a minute) per API key. */
export const defaultRateLimit: RateLimit = { burst: 120, perSecond: 20 };

export type TakeResult = { ok: true; remaining: number } | { ok: false; retryAfterMs: number };

interface Bucket {
  tokens: number;
  at: number;
}

/** In-memory token buckets (one process; keys are authenticated API key ids, so the map stays small). */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly limit: RateLimit;
  private readonly now: () => number;

  constructor(limit: RateLimit, now: () => number = Date.now) {
    if (!(limit.burst >= 1) || !(limit.perSecond > 0))
      throw new RangeError("a rate limit needs burst >= 1 and perSecond > 0");
    this.limit = limit;
    this.now = now;
  }

  /** Takes one token for `key`, or says how long until one is available. */
  take(key: string): TakeResult {
    const at = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.limit.burst, at };
    const refilled = Math.min(
      this.limit.burst,
      bucket.tokens + (Math.max(0, at - bucket.at) * this.limit.perSecond) / 1000,
    );
    if (refilled >= 1) {
      this.buckets.set(key, { tokens: refilled - 1, at });
      return { ok: true, remaining: Math.floor(refilled - 1) };
    }
    this.buckets.set(key, { tokens: refilled, at });
    return { ok: false, retryAfterMs: Math.ceil(((1 - refilled) * 1000) / this.limit.perSecond) };
  }
}
