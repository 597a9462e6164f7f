import type { SessionEvent } from "../store/store.ts";

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
  private waiters: FeedWaiter[] = [];

  constructor(lastSeq: number, capacity = defaultCapacity) {
    this.coveredFrom = lastSeq;
    this.capacity = capacity;
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
    this.fire();
  }

  /** The run's events after `seq`, or undefined when some of them are no longer (or never were) in memory. */
  after(seq: number): SessionEvent[] | undefined {
    if (seq < this.coveredFrom) return undefined;
    let i = this.events.length;
    while (i > 0 && this.events[i - 1]!.seq > seq) i--;
    return this.events.slice(i);
  }

  private fire(): void {
    if (this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    // Woken after the committing code has moved on: a reader's writes never run inside it.
    queueMicrotask(() => {
      for (const waiter of waiters) waiter.wake();
    });
  }
}
