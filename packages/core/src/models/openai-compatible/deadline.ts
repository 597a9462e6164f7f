import { ModelTimeoutError } from "../../errors/errors.ts";

/**
 * One re-armable timer per call. It only counts while the adapter waits on the network (`waiting`), so a slow
 * consumer of the event stream never trips the idle deadline. On expiry it aborts the request's controller with
 * a ModelTimeoutError, which rejects the pending fetch or body read.
 */
export class Deadline {
  error: ModelTimeoutError | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private waiting = false;
  private message = "";
  private readonly controller: AbortController;
  private readonly provider: string;

  constructor(controller: AbortController, provider: string) {
    this.controller = controller;
    this.provider = provider;
  }

  /** Starts a new phase (connect, first byte, idle) with its own limit; `ms <= 0` or Infinity disables it. */
  arm(ms: number, message: string): void {
    this.clear();
    this.message = message;
    this.waiting = true;
    if (!(ms > 0) || !Number.isFinite(ms)) return;
    this.timer = setTimeout(() => {
      if (!this.waiting) return;
      this.error = new ModelTimeoutError(this.message, { provider: this.provider });
      this.controller.abort(this.error);
    }, ms);
  }

  /** About to wait on the network again: restart the current phase's clock. */
  wait(): void {
    this.waiting = true;
    this.timer?.refresh();
  }

  /** Data arrived; the consumer's time does not count. */
  pause(): void {
    this.waiting = false;
  }

  clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.waiting = false;
  }
}
