import type { ServerResponse } from "node:http";
import type { RunEventSink, RunFollower } from "../runs/run-follower.ts";
import type { SessionEvent } from "../store/store.ts";
import { HEARTBEAT } from "./sse.ts";

/**
 * SSE written straight to Node's response. An idle stream is what a runtime holds by the thousand (a run waiting on
 * its model, a client re-attached to it), so each one costs only its connection object, its run follower, a small
 * record in the shared heartbeat and its `close` listener: no Web `ReadableStream`, reader, controller or
 * `Response` with copied headers per connection (~5 KiB each), and no timer per connection.
 */

interface Connection {
  outgoing: ServerResponse;
  /** Something was written since the last heartbeat tick. */
  wrote: boolean;
}

/** One timer per heartbeat interval for every stream: writes a comment line to the streams that were quiet. */
class Heartbeat {
  private readonly connections = new Set<Connection>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly ms: number;

  constructor(ms: number) {
    this.ms = ms;
  }

  add(connection: Connection): void {
    this.connections.add(connection);
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.ms);
    this.timer.unref();
  }

  remove(connection: Connection): void {
    this.connections.delete(connection);
    if (this.connections.size > 0 || !this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    for (const connection of this.connections) {
      if (!connection.wrote && !connection.outgoing.writableEnded) connection.outgoing.write(HEARTBEAT);
      connection.wrote = false;
    }
  }
}

const heartbeats = new Map<number, Heartbeat>();
const heartbeatFor = (ms: number): Heartbeat => {
  let heartbeat = heartbeats.get(ms);
  if (!heartbeat) {
    heartbeat = new Heartbeat(ms);
    heartbeats.set(ms, heartbeat);
  }
  return heartbeat;
};

/** How a run's events are written to its stream. */
export interface RunSseFormat {
  /** Written right after the headers (e.g. OpenAI's first chunk). */
  head?: string;
  /** The SSE text of one event; "" for none. */
  event(event: SessionEvent): string;
  /** Written once the run has ended, before the response ends (e.g. OpenAI's `[DONE]`). */
  tail?: string;
}

/**
 * A run's events as SSE on a Node response. An idle stream is this object, the run's follower (a place in the run
 * feed's waiters), a record in the shared heartbeat and one `close` listener. When `write()` returns false the
 * follower pauses until `drain`, so a slow client never makes events pile up here.
 */
class RunSseConnection implements Connection, RunEventSink {
  readonly outgoing: ServerResponse;
  wrote = false;
  private readonly format: RunSseFormat;
  private readonly heartbeat: Heartbeat | undefined;
  private follower: RunFollower | undefined;
  private readonly onClose = (): void => this.close();
  private readonly onDrain = (): void => this.follower?.resume();

  constructor(outgoing: ServerResponse, format: RunSseFormat, heartbeatMs: number) {
    this.outgoing = outgoing;
    this.format = format;
    this.heartbeat = heartbeatMs > 0 ? heartbeatFor(heartbeatMs) : undefined;
  }

  open(headers: Record<string, string>, follow: (sink: RunEventSink) => RunFollower): void {
    // `on`, not `once`: `once` wraps the listener in a closure per call; `detach` removes it anyway.
    this.outgoing.on("close", this.onClose);
    this.outgoing.writeHead(200, headers);
    if (this.format.head) this.outgoing.write(this.format.head);
    else this.outgoing.flushHeaders();
    this.heartbeat?.add(this);
    this.follower = follow(this);
  }

  deliver(event: SessionEvent): boolean {
    const text = this.format.event(event);
    if (text === "") return true;
    this.wrote = true;
    if (this.outgoing.write(text)) return true;
    this.outgoing.once("drain", this.onDrain);
    return false;
  }

  finish(error?: unknown): void {
    this.detach();
    if (error !== undefined) this.outgoing.destroy(error instanceof Error ? error : new Error(String(error)));
    else if (!this.outgoing.writableEnded) this.outgoing.end(this.format.tail);
  }

  /** The client went away (or the response was destroyed): the follower stops reading. */
  private close(): void {
    this.detach();
    this.follower?.stop();
  }

  private detach(): void {
    this.heartbeat?.remove(this);
    this.outgoing.off("close", this.onClose);
    this.outgoing.off("drain", this.onDrain);
  }
}

/** Sends `headers`, then `format`'s text of each event `follow` delivers, until the run ends or the client leaves. */
export function writeRunSse(
  outgoing: ServerResponse,
  follow: (sink: RunEventSink) => RunFollower,
  format: RunSseFormat,
  headers: Record<string, string>,
  heartbeatMs: number,
): void {
  new RunSseConnection(outgoing, format, heartbeatMs).open(headers, follow);
}
