import type { Run, SessionEvent, Store } from "../store/store.ts";

const defaultCapacity = 1024;

/** A reader parked on a feed (`RunFollower`): woken once, on a microtask, at the next `push` or `end`. */
export interface FeedWaiter {
  wake(): void;
}

/**
 * The tail of a live run's committed events, kept in memory so that readers following the run (SSE) are woken with
 * the new events instead of querying the store after each one. It covers every event of the run after `coveredFrom`
 * (the run's last stored seq when the feed began, later the last event dropped for space); older reads go to the store.
 */
export class RunFeed {
  private events: SessionEvent[] = [];
  private coveredFrom: number;
  private readonly capacity: number;
  /** Made on demand by `next()`, for readers that await (`readRunEvents`). */
  private wake: (() => void) | undefined;
  private woken: Promise<void> | undefined;
  private waiters: FeedWaiter[] = [];
  private ended = false;

  constructor(lastSeq: number, capacity = defaultCapacity) {
    this.coveredFrom = lastSeq;
    this.capacity = capacity;
  }

  /** Resolves at the next `push` or `end`: take it before reading, await it when the read found nothing. */
  next(): Promise<void> {
    this.woken ??= new Promise((resolve) => {
      this.wake = resolve;
    });
    return this.woken;
  }

  /** Wakes `waiter` (once) at the next `push` or `end`. */
  wait(waiter: FeedWaiter): void {
    this.waiters.push(waiter);
  }

  /** Readers parked on this feed (`wait`), not yet woken. */
  get waiting(): number {
    return this.waiters.length;
  }

  unwait(waiter: FeedWaiter): void {
    const i = this.waiters.indexOf(waiter);
    if (i >= 0) this.waiters.splice(i, 1);
  }

  /** Adds events just committed (in order) and wakes the readers. */
  push(events: readonly SessionEvent[]): void {
    if (events.length === 0) return;
    this.events.push(...events);
    if (this.events.length > this.capacity) {
      const dropped = this.events.splice(0, this.events.length - Math.floor(this.capacity / 2));
      this.coveredFrom = dropped.at(-1)!.seq;
    }
    this.fire();
  }

  /** The run ended here (or moved on): wakes the readers for the last time. */
  end(): void {
    this.ended = true;
    this.fire();
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** The run's events after `seq`, or undefined when some of them are no longer (or never were) in memory. */
  after(seq: number): SessionEvent[] | undefined {
    if (seq < this.coveredFrom) return undefined;
    let i = this.events.length;
    while (i > 0 && this.events[i - 1]!.seq > seq) i--;
    return this.events.slice(i);
  }

  private fire(): void {
    const wake = this.wake;
    this.wake = this.woken = undefined;
    wake?.();
    if (this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    // Woken after the committing code has moved on, as awaiting readers are: a reader's writes never run inside it.
    queueMicrotask(() => {
      for (const waiter of waiters) waiter.wake();
    });
  }
}

/**
 * Resolves when `woken` does or `signal` aborts. Not `Promise.race` with one long-lived "aborted" promise: every race
 * would leave a reaction on it, so a reader woken by thousands of events would hold thousands of them.
 */
function wokenOrAborted(woken: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return woken;
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener("abort", done);
      resolve();
    };
    signal.addEventListener("abort", done, { once: true });
    void woken.then(done);
  });
}

const pageSize = 500;

/**
 * The run's events after `afterSeq`, then its live ones as they are committed, until the run ends here (or
 * `signal` aborts). Live events come from memory (`feedOf()`, the run's feed while it is live here); the store is
 * read only for older ones and once the run has left.
 */
export async function* readRunEvents(
  store: Store,
  run: Run,
  afterSeq: number,
  signal: AbortSignal | undefined,
  feedOf: () => RunFeed | undefined,
): AsyncGenerator<SessionEvent> {
  let cursor = afterSeq;
  while (!signal?.aborted) {
    const feed = feedOf();
    if (feed) {
      const woken = feed.next();
      const tail = feed.after(cursor);
      if (tail) {
        for (const event of tail) {
          cursor = event.seq;
          yield event;
        }
        if (tail.length === 0) await wokenOrAborted(woken, signal);
        continue;
      }
    }
    const batch = await store.listEvents(run.tenantId, run.sessionId, {
      runId: run.id,
      afterSeq: cursor,
      limit: pageSize,
    });
    for (const event of batch) {
      cursor = event.seq;
      yield event;
    }
    if (batch.length < pageSize && !feed) return;
  }
}
