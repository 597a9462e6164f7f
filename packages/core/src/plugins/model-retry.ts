import type { AfterModelCallEvent } from "../agent/events.ts";
import { ModelError } from "../errors/errors.ts";
import type { Plugin } from "../hooks/hooks.ts";

export interface ModelRetryOptions {
  /** Total attempts per model call, the first included (default 3). */
  maxAttempts?: number;
  /** Backoff base: attempt n waits up to `baseDelayMs * 2^(n-1)` (default 500). */
  baseDelayMs?: number;
  /** Ceiling for any delay, Retry-After included (default 20 000). */
  maxDelayMs?: number;
  /** Source of randomness in [0, 1) for the jitter; injectable for tests. */
  random?: () => number;
}

/**
 * The delay before the next attempt, or `undefined` when the call must not be retried: the error is not a
 * retryable ModelError, or `attempt` (1-based, the one that just failed) already used the budget.
 * Exponential backoff with full jitter; a provider's Retry-After is used as is, capped at `maxDelayMs`.
 */
export function modelRetryDelay(
  error: unknown,
  attempt: number,
  options: ModelRetryOptions = {},
): number | undefined {
  const { maxAttempts = 3, baseDelayMs = 500, maxDelayMs = 20_000, random = Math.random } = options;
  if (!(error instanceof ModelError) || !error.retryable) return undefined;
  if (attempt >= maxAttempts) return undefined;
  if (error.retryAfterMs !== undefined && error.retryAfterMs >= 0)
    return Math.min(error.retryAfterMs, maxDelayMs);
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Retries failed model calls: on `after-model-call` with a retryable error it sets `event.retry`, and the agent
 * loop discards the partial turn and calls the model again after the delay. A retry already requested by an
 * earlier hook is left alone.
 */
export function modelRetry(options: ModelRetryOptions = {}): Plugin {
  return {
    name: "model-retry",
    hooks: {
      "after-model-call": (event: AfterModelCallEvent) => {
        if (event.error === undefined || event.retry !== undefined) return;
        const delayMs = modelRetryDelay(event.error, event.attempt, options);
        if (delayMs !== undefined) event.retry = { delayMs };
      },
    },
  };
}
