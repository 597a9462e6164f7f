import { ModelTimeoutError } from "../../errors/errors.ts";

const now = (): number => performance.now();

/**
 * One timer for every deadline in the process, set for the earliest moment one of them could expire. Model calls
 * start and end thousands of times a second but almost never time out, so starting, moving and ending a deadline
 * only touch a Set and a number; the timer is re-created only when a deadline must fire sooner than it is set.
 * Unref'd: the request a deadline guards keeps the process alive, not the deadline.
 */
class DeadlineClock {
  private readonly active = new Set<Deadline>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private fireAt = Number.POSITIVE_INFINITY;

  /** `deadline` may expire at `at` (performance.now() ms) or later. */
  watch(deadline: Deadline, at: number): void {
    this.active.add(deadline);
    if (this.timer !== undefined && this.fireAt <= at) return; // fires in time and re-checks then
    this.schedule(at);
  }

  unwatch(deadline: Deadline): void {
    this.active.delete(deadline);
  }

  private schedule(at: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.fireAt = at;
    this.timer = setTimeout(this.tick, Math.max(0, at - now()));
    this.timer.unref();
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    this.fireAt = Number.POSITIVE_INFINITY;
    const time = now();
    let next = Number.POSITIVE_INFINITY;
    // Expiring a deadline aborts its request, whose listeners may end other deadlines meanwhile: a Set's iteration
    // skips what is deleted during it.
    for (const deadline of this.active) {
      const at = deadline.check(time);
      if (at === undefined) this.active.delete(deadline);
      else if (at < next) next = at;
    }
    if (next !== Number.POSITIVE_INFINITY) this.schedule(next);
  };
}

const clock = new DeadlineClock();

/** What a call is waiting for: the error message of each phase is built only when one expires. */
export type DeadlinePhase = "connect" | "first-byte" | "idle" | "drain";
const PHASE_MESSAGES: Record<DeadlinePhase, (url: string, ms: number) => string> = {
  connect: (url, ms) => `No response headers from ${url} within ${ms} ms`,
  "first-byte": (url, ms) => `No response body from ${url} within ${ms} ms`,
  idle: (url, ms) => `The stream from ${url} was silent for ${ms} ms`,
  drain: (url, ms) => `The stream from ${url} did not end within ${ms} ms of its [DONE]`,
};

/**
 * The deadline of one call, through its phases (connect, first byte, idle, drain). It only counts while the adapter
 * waits on the network (`wait`), so a slow consumer of the event stream never trips the idle deadline. On expiry it
 * aborts the request's controller with a ModelTimeoutError, which rejects the pending fetch or body read.
 */
export class Deadline {
  error: ModelTimeoutError | undefined;
  /** When the current phase ends if the adapter is still waiting; Infinity: no limit. */
  private expiresAt = Number.POSITIVE_INFINITY;
  private phaseMs = Number.POSITIVE_INFINITY;
  private waiting = false;
  private phase: DeadlinePhase = "connect";
  /** The call's abort (an AbortController or the adapter's CallAbort). */
  private readonly controller: { abort(reason: unknown): void };
  private readonly provider: string;
  private readonly url: string;

  constructor(controller: { abort(reason: unknown): void }, provider: string, url: string) {
    this.controller = controller;
    this.provider = provider;
    this.url = url;
  }

  /** Starts a new phase with its own limit; `ms <= 0` or Infinity disables it. */
  arm(ms: number, phase: DeadlinePhase): void {
    this.phaseMs = ms > 0 && Number.isFinite(ms) ? ms : Number.POSITIVE_INFINITY;
    this.phase = phase;
    this.wait();
  }

  /** About to wait on the network again: restart the current phase's clock. */
  wait(): void {
    this.waiting = true;
    this.expiresAt = now() + this.phaseMs;
    if (this.expiresAt !== Number.POSITIVE_INFINITY) clock.watch(this, this.expiresAt);
  }

  /** Data arrived; the consumer's time does not count. */
  pause(): void {
    this.waiting = false;
  }

  clear(): void {
    this.waiting = false;
    this.expiresAt = Number.POSITIVE_INFINITY;
    clock.unwatch(this);
  }

  /**
   * Called by the clock at `time`: expires the deadline when it is due, and says when to look again (undefined:
   * stop watching it).
   */
  check(time: number): number | undefined {
    if (this.expiresAt === Number.POSITIVE_INFINITY) return undefined;
    if (!this.waiting) return time + this.phaseMs; // paused: the next wait() restarts the clock anyway
    if (time < this.expiresAt) return this.expiresAt;
    this.expiresAt = Number.POSITIVE_INFINITY;
    this.error = new ModelTimeoutError(PHASE_MESSAGES[this.phase](this.url, this.phaseMs), {
      provider: this.provider,
    });
    this.controller.abort(this.error);
    return undefined;
  }
}
