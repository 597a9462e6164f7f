import { once } from "node:events";
import type { ServerResponse } from "node:http";
import { formatSse, HEARTBEAT, type SseMessage } from "./sse.ts";

/**
 * SSE written straight to Node's response. An idle stream is what a runtime holds by the thousand (a run waiting on
 * its model, a client re-attached to it), so each one costs only its pump (one pending `next()` on its source), a
 * small record in the shared heartbeat and its `close` listener: no Web `ReadableStream`, reader, controller or
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

/**
 * Sends `headers`, then every message of `source` as an SSE event, honouring backpressure (a slow client makes the
 * source wait, nothing piles up here). When the client goes away, the signal given to `source` aborts, so a reader
 * waiting for the next event stops at once. A source that fails tears the connection down (the client sees an
 * error, not a clean end).
 */
export function writeSse<T>(
  outgoing: ServerResponse,
  source: (signal: AbortSignal) => AsyncIterable<T>,
  toMessage: (item: T) => SseMessage,
  headers: Record<string, string>,
  heartbeatMs: number,
): void {
  const controller = new AbortController();
  const connection: Connection = { outgoing, wrote: false };
  const heartbeat = heartbeatMs > 0 ? heartbeatFor(heartbeatMs) : undefined;
  const onClose = () => controller.abort();
  outgoing.once("close", onClose);
  outgoing.writeHead(200, headers);
  outgoing.flushHeaders();
  heartbeat?.add(connection);
  void (async () => {
    const iterator = source(controller.signal)[Symbol.asyncIterator]();
    let failure: unknown;
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done || controller.signal.aborted) break;
        connection.wrote = true;
        // Backpressure: wait until the client takes more (or goes away, which aborts the wait).
        if (!outgoing.write(formatSse(toMessage(next.value))))
          await once(outgoing, "drain", { signal: controller.signal }).catch(() => {});
      }
    } catch (error) {
      failure = error;
    } finally {
      heartbeat?.remove(connection);
      outgoing.off("close", onClose);
      if (controller.signal.aborted) await iterator.return?.()?.catch(() => {});
      if (failure !== undefined)
        outgoing.destroy(failure instanceof Error ? failure : new Error(String(failure)));
      else if (!outgoing.writableEnded) outgoing.end();
    }
  })();
}
