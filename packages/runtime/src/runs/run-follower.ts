import type { Run, SessionEvent, Store } from "../store/store.ts";
import type { FeedWaiter, RunFeed } from "./run-feed.ts";

/** Where a follower delivers a run's events (an SSE connection). */
export interface RunEventSink {
  /** Takes the next event; false asks for a pause, which the sink ends with `RunFollower.resume()`. */
  deliver(event: SessionEvent): boolean;
  /** Every event was delivered and the run has ended here, or reading failed (`error`). Not called after `stop()`. */
  finish(error?: unknown): void;
}

/** What a follower reads: the store, and the feed of a run while it is live in this process. */
export interface RunEventHost {
  readonly eventStore: Store;
  feedOf(runId: string): RunFeed | undefined;
}

const IDLE = 0;
const BUSY = 1;
const PAUSED = 2;
const STOPPED = 3;
const pageSize = 500;
const none: readonly SessionEvent[] = [];

/**
 * Pushes a run's events after `afterSeq`, then its live ones as they are committed, to a sink until the run ends
 * here. An idle follower is this object and its place in the
 * feed's waiters: no suspended generator, promise or abort signal per reader, which is what a server holding
 * thousands of idle streams needs. Live events come from memory; the store is read for older ones and at the end.
 */
export class RunFollower implements FeedWaiter {
  private readonly host: RunEventHost;
  private readonly run: Run;
  private readonly sink: RunEventSink;
  private cursor: number;
  private state = IDLE;
  private waitingOn: RunFeed | undefined;
  /** Events read (from the feed or a store page) and not yet delivered, from `backlogAt`. */
  private backlog: readonly SessionEvent[] = none;
  private backlogAt = 0;
  /** The backlog is the run's last page: once it is delivered, the stream ends. */
  private lastPage = false;

  constructor(host: RunEventHost, run: Run, afterSeq: number, sink: RunEventSink) {
    this.host = host;
    this.run = run;
    this.cursor = afterSeq;
    this.sink = sink;
  }

  start(): this {
    this.safePump();
    return this;
  }

  /** Continues after the sink asked for a pause. */
  resume(): void {
    if (this.state !== PAUSED) return;
    this.state = IDLE;
    this.safePump();
  }

  /** No more events: the reader has gone. */
  stop(): void {
    this.state = STOPPED;
    this.waitingOn?.unwait(this);
    this.waitingOn = undefined;
  }

  /** The feed has new events or ended (`FeedWaiter`). */
  wake(): void {
    this.waitingOn = undefined;
    this.safePump();
  }

  /** A sink that throws ends its stream with the error (never the feed's or the caller's code). */
  private safePump(): void {
    try {
      this.pump();
    } catch (error) {
      if (this.state === STOPPED) return;
      this.stop();
      this.sink.finish(error);
    }
  }

  private pump(): void {
    if (this.state !== IDLE) return;
    this.state = BUSY;
    for (;;) {
      // What was read but not delivered before a pause goes first: a slow reader never makes the follower read
      // (from the store or the feed) the same events again on every `drain`.
      if (this.backlogAt < this.backlog.length && !this.deliverBacklog()) return;
      if (this.lastPage) {
        this.state = STOPPED;
        this.sink.finish();
        return;
      }
      const feed = this.host.feedOf(this.run.id);
      const tail = feed?.after(this.cursor);
      if (!feed || !tail) {
        void this.readStore(feed !== undefined);
        return;
      }
      if (tail.length === 0) {
        this.state = IDLE;
        this.waitingOn = feed;
        feed.wait(this);
        return;
      }
      this.backlog = tail;
      this.backlogAt = 0;
    }
  }

  /** Delivers the backlog from where it stopped; false when the sink paused or the reader stopped. */
  private deliverBacklog(): boolean {
    const events = this.backlog;
    while (this.backlogAt < events.length) {
      const event = events[this.backlogAt++]!;
      this.cursor = event.seq;
      const more = this.sink.deliver(event);
      if (this.state === STOPPED) return false;
      if (!more) {
        this.state = PAUSED;
        return false;
      }
    }
    this.backlog = none;
    this.backlogAt = 0;
    return true;
  }

  /** Reads the next page of the run's events from the store into the backlog, then pumps on. */
  private async readStore(live: boolean): Promise<void> {
    let page: SessionEvent[];
    try {
      page = await this.host.eventStore.listEvents(this.run.tenantId, this.run.sessionId, {
        runId: this.run.id,
        afterSeq: this.cursor,
        limit: pageSize,
      });
    } catch (error) {
      if (this.state === STOPPED) return;
      this.state = STOPPED;
      this.sink.finish(error);
      return;
    }
    if (this.state === STOPPED) return;
    this.backlog = page;
    this.backlogAt = 0;
    // The run has left this process and the store has nothing after this page: it is the end.
    this.lastPage = page.length < pageSize && !live;
    this.state = IDLE;
    this.safePump();
  }
}

/** Events a pull reader may have waiting before its follower pauses. */
const PULL_BUFFER = 64;

/**
 * A follower's events as an async iterable, for readers that pull (the Web SSE path, tests): the same events in the
 * same order, with the follower paused while the reader is behind. Ends when the run has ended here or `signal`
 * aborts; a reader that stops early stops the follower.
 */
export async function* followedEvents(
  follow: (sink: RunEventSink) => RunFollower,
  signal?: AbortSignal,
): AsyncGenerator<SessionEvent> {
  if (signal?.aborted) return;
  const buffered: SessionEvent[] = [];
  let ended: { error?: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const follower = follow({
    deliver(event) {
      buffered.push(event);
      notify();
      return buffered.length < PULL_BUFFER;
    },
    finish(error) {
      ended = { error };
      notify();
    },
  });
  const onAbort = () => {
    ended ??= {};
    notify();
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    for (let i = 0; ; ) {
      if (i < buffered.length) {
        yield buffered[i++]!;
        continue;
      }
      buffered.length = i = 0;
      if (ended) {
        if (ended.error !== undefined) throw ended.error;
        return;
      }
      follower.resume(); // no-op unless the follower paused on a full buffer
      if (buffered.length === 0 && !ended)
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    follower.stop();
  }
}
