import type { IncomingMessage } from "node:http";

/** What the adapter needs of an HTTP response. */
export interface WireResponse {
  readonly status: number;
  /** A response header (lower-case name), or null. A method: call it on the response. */
  header(name: string): string | null;
  /** The body's chunks; null when there is none. `return()` before the end tears the connection down. */
  readonly body: AsyncIterator<Uint8Array, undefined> | null;
}

export interface WireRequest {
  headers: Record<string, string>;
  body: string;
  /** Aborting it aborts the request, or the body being read. */
  abort: CallAbort;
}

/**
 * Cancels one request, like an AbortController, but with one plain listener (the transport's) instead of an
 * EventTarget: on `node:http` a signal would cost each request an abort listener added and removed on the socket's
 * events. A real AbortSignal is made only when asked for (`fetch` needs one).
 */
export class CallAbort {
  aborted = false;
  reason: unknown;
  private listener: ((reason: unknown) => void) | undefined;
  private controller: AbortController | undefined;

  abort(reason: unknown = new DOMException("This operation was aborted", "AbortError")): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listener = this.listener;
    this.listener = undefined;
    listener?.(reason);
    this.controller?.abort(reason);
  }

  /** Runs `listener` on abort (one at a time: the transport's); `undefined` stops listening. */
  onAbort(listener: ((reason: unknown) => void) | undefined): void {
    this.listener = listener;
  }

  /** An AbortSignal that follows this abort, made on first use. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }
}

/** POSTs a request to the model's URL (bound when the transport is made). */
export type Transport = (request: WireRequest) => Promise<WireResponse>;

/**
 * The transport of an OpenAI-compatible model: the given `fetch`; otherwise, on Node, `node:http(s)` with Node's
 * keep-alive global agents; otherwise the global `fetch`.
 *
 * Why not always `fetch`: on Node, `fetch` (undici's WHATWG layer: Request/Response/Headers objects, a WHATWG
 * stream per body, a signal follower and a FinalizationRegistry entry per request) costs about twice the CPU of
 * `node:http` per request; the same hand-written loop takes ~220 µs per step over `fetch` and ~140 µs over
 * `node:http` against a local zero-latency server (`bench/`). Proxies: Node's global agents honour
 * `NODE_USE_ENV_PROXY` as its `fetch` does. The body is read the same way on both (an async iterator of chunks), so
 * everything above the transport is shared.
 */
export function createTransport(url: string, fetchImpl: typeof globalThis.fetch | undefined): Transport {
  if (fetchImpl || !onNode()) return fetchTransport(url, fetchImpl ?? globalThis.fetch);
  return nodeTransport(new URL(url));
}

/** Node itself (Bun and Deno also have `node:http`, but their own `fetch` is their fast path). */
const onNode = (): boolean => {
  const versions = (globalThis as { process?: { versions?: Record<string, string | undefined> } }).process
    ?.versions;
  return versions?.node !== undefined && versions.bun === undefined && versions.deno === undefined;
};

function fetchTransport(url: string, fetchImpl: typeof globalThis.fetch): Transport {
  // `then`, not an async function: one promise hop less per request.
  return ({ headers, body, abort }) =>
    fetchImpl(url, { method: "POST", headers, body, signal: abort.signal }).then(
      (response): WireResponse => ({
        status: response.status,
        header: (name) => response.headers.get(name),
        body: response.body ? chunksOf(response.body) : null,
      }),
    );
}

/** A Web stream's chunks; `return()` cancels it. Streams without async iteration (older engines) use a reader. */
function chunksOf(stream: ReadableStream<Uint8Array>): AsyncIterator<Uint8Array, undefined> {
  const iterable = stream as ReadableStream<Uint8Array> & Partial<AsyncIterable<Uint8Array>>;
  if (typeof iterable[Symbol.asyncIterator] === "function")
    return iterable[Symbol.asyncIterator]() as AsyncIterator<Uint8Array, undefined>;
  const reader = stream.getReader();
  return {
    next: async () => {
      const { done, value } = await reader.read();
      if (done) reader.releaseLock();
      return done ? { done: true, value: undefined } : { done: false, value };
    },
    return: async () => {
      await reader.cancel();
      return { done: true, value: undefined };
    },
  };
}

interface NodeHttp {
  request: typeof import("node:http").request;
}

/** Loaded on the first call, so importing the SDK does not load `node:http`/`node:https` (TLS) at start-up. */
let nodeModules: Promise<{ http: NodeHttp; https: NodeHttp; zlib: typeof import("node:zlib") }> | undefined;
const loadNodeModules = () =>
  (nodeModules ??= Promise.all([import("node:http"), import("node:https"), import("node:zlib")]).then(
    ([http, https, zlib]) => ({ http, https, zlib }),
  ));

function nodeTransport(url: URL): Transport {
  const secure = url.protocol === "https:";
  if (!secure && url.protocol !== "http:") throw new TypeError(`Unsupported protocol in ${url.href}`);
  const target = {
    hostname: url.hostname.replace(/^\[(.*)\]$/, "$1"), // IPv6 literals without their brackets
    port: url.port || undefined,
    path: `${url.pathname}${url.search}`,
    auth: url.username
      ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`
      : undefined,
    method: "POST",
  };
  return async ({ headers, body, abort }) => {
    const modules = await loadNodeModules();
    // One turn of the nextTick queue first: a finished turn's body, read to its end in the background, hands its
    // socket back to the agent's pool on a nextTick; choosing a socket before that would open a second connection.
    // (Which hops suffice depends on how many the body's end takes: the test of keep-alive reuse says when too few.)
    await new Promise<void>((resolve) => process.nextTick(resolve));
    if (abort.aborted) throw abort.reason;
    const client = secure ? modules.https : modules.http;
    return new Promise<WireResponse>((resolve, reject) => {
      const request = client.request({ ...target, headers }, (response) =>
        resolve(new NodeWireResponse(response, modules.zlib)),
      );
      // Set on the request, so the caller's headers object (one per model) is not copied per call.
      request.setHeader("content-length", Buffer.byteLength(body));
      // Destroys the request, and its response while the body is read (with no error of its own, as Node's `signal`
      // option does: the pending call fails with "socket hang up" or "aborted", and the adapter reports the abort's
      // reason instead). Past the body's end it is a no-op: Node marks a request whose socket went back to the pool
      // as destroyed.
      abort.onAbort(() => request.destroy());
      request.on("error", reject); // after the response, failures reach its body instead
      request.end(body);
    });
  };
}

/** A class, not an object literal with a `header` closure: no function is made per response. */
class NodeWireResponse implements WireResponse {
  readonly status: number;
  readonly body: AsyncIterator<Uint8Array, undefined> | null;
  private readonly response: IncomingMessage;

  constructor(response: IncomingMessage, zlib: typeof import("node:zlib")) {
    this.response = response;
    this.status = response.statusCode ?? 0;
    this.body = nodeBody(response, this.header("content-encoding"), zlib);
  }

  header(name: string): string | null {
    const value = this.response.headers[name];
    return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
  }
}

/**
 * The body's chunks. No `accept-encoding` is sent, so servers answer in plain text; a body compressed anyway (a
 * header set by the user, a proxy) is decompressed as `fetch` would. `return()` destroys the stream and, before the
 * body's end, its connection.
 */
function nodeBody(
  response: IncomingMessage,
  encoding: string | null,
  zlib: typeof import("node:zlib"),
): AsyncIterator<Uint8Array, undefined> {
  const coding = encoding?.trim().toLowerCase();
  if (!coding || coding === "identity") return response[Symbol.asyncIterator]();
  const decoder =
    coding === "gzip" || coding === "x-gzip"
      ? zlib.createGunzip()
      : coding === "deflate"
        ? zlib.createInflate()
        : coding === "br"
          ? zlib.createBrotliDecompress()
          : undefined;
  if (!decoder) return response[Symbol.asyncIterator]();
  response.on("error", (error) => decoder.destroy(error));
  decoder.on("close", () => response.destroy());
  return response.pipe(decoder)[Symbol.asyncIterator]();
}
