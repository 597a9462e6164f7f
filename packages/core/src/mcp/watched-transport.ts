import type {
  FetchLike,
  Transport,
  TransportSendOptions,
} from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  ErrorCode,
  isJSONRPCErrorResponse,
  isJSONRPCNotification,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type JSONRPCMessage,
  type MessageExtraInfo,
  type Progress,
  type ProgressToken,
  type RequestId,
} from "@modelcontextprotocol/sdk/types.js";

/** Sees every JSON-RPC message the client sends and receives, as it is on the wire. */
export type McpTrace = (direction: "send" | "receive", message: JSONRPCMessage) => void;

/**
 * Sits between the SDK's Client and its real transport. It reports messages to `trace`; it delivers progress
 * notifications for tokens of its own synchronously, in wire order (the SDK defers them a microtask and drops
 * those that arrive in the same read as the response); and it turns a Streamable HTTP response stream that
 * ended before carrying its answer into a JSON-RPC error, which the SDK would otherwise wait for until the deadline.
 */
export class WatchedTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;
  private readonly inner: Transport;
  private readonly trace: McpTrace | undefined;
  /** Requests sent and not yet answered or cancelled. */
  private readonly pending = new Set<RequestId>();
  /** Requests whose stream carries SSE event ids: the SDK resumes those itself, so a broken stream is not fatal. */
  private readonly resumable = new Set<RequestId>();
  private readonly progressListeners = new Map<ProgressToken, (progress: Progress) => void>();
  private nextToken = 0;
  private closing = false;

  constructor(inner: Transport, trace?: McpTrace) {
    this.inner = inner;
    this.trace = trace;
    inner.onmessage = (message, extra) => {
      this.trace?.("receive", message);
      if (isJSONRPCNotification(message) && message.method === "notifications/progress") {
        const { progressToken, ...progress } = (message.params ?? {}) as Progress & {
          progressToken?: ProgressToken;
        };
        const listener = progressToken === undefined ? undefined : this.progressListeners.get(progressToken);
        if (listener) return listener(progress);
      }
      if ((isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message)) && message.id !== undefined) {
        this.settle(message.id);
      }
      this.onmessage?.(message, extra);
    };
    inner.onclose = () => this.onclose?.();
    inner.onerror = (error) => this.onerror?.(error);
  }

  get sessionId(): string | undefined {
    return this.inner.sessionId;
  }

  setProtocolVersion(version: string): void {
    this.inner.setProtocolVersion?.(version);
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    this.trace?.("send", message);
    if (isJSONRPCRequest(message)) {
      const id = message.id;
      this.pending.add(id);
      const onresumptiontoken = options?.onresumptiontoken;
      const watched = {
        ...options,
        onresumptiontoken: (token: string) => {
          this.resumable.add(id);
          onresumptiontoken?.(token);
        },
      };
      return this.inner.send(message, watched).catch((error: unknown) => {
        this.settle(id);
        throw error;
      });
    }
    if (isJSONRPCNotification(message) && message.method === "notifications/cancelled") {
      const id = (message.params as { requestId?: RequestId } | undefined)?.requestId;
      if (id !== undefined) this.settle(id);
    }
    return this.inner.send(message, options);
  }

  /** Routes progress notifications carrying the returned token to `listener` until `stop()`. */
  watchProgress(listener: (progress: Progress) => void): { token: ProgressToken; stop(): void } {
    const token = `skein-progress-${++this.nextToken}`;
    this.progressListeners.set(token, listener);
    return { token, stop: () => this.progressListeners.delete(token) };
  }

  close(): Promise<void> {
    this.closing = true;
    return this.inner.close();
  }

  /** Called when the HTTP response stream of a POST that carried the requests `ids` has ended or broken. */
  responseStreamEnded(ids: readonly RequestId[], cause: unknown): void {
    if (this.closing) return;
    // The SDK parses the stream on microtasks only: one macrotask later it has delivered every message it read.
    setImmediate(() => {
      for (const id of ids) {
        if (this.closing || !this.pending.has(id) || this.resumable.has(id)) continue;
        this.settle(id);
        const reason = cause instanceof Error ? `: ${cause.message}` : "";
        this.onmessage?.({
          jsonrpc: "2.0",
          id,
          error: {
            code: ErrorCode.ConnectionClosed,
            message: `The server's response stream ended before the answer${reason}`,
          },
        });
      }
    });
  }

  private settle(id: RequestId): void {
    this.pending.delete(id);
    this.resumable.delete(id);
  }
}

/** A fetch for the Streamable HTTP transport that reports when a POST's event stream ends or breaks. */
export function streamWatchingFetch(
  onEnded: (ids: readonly RequestId[], cause: unknown) => void,
  baseFetch: FetchLike = fetch,
): FetchLike {
  return async (url, init) => {
    const response = await baseFetch(url, init);
    const ids = init?.method === "POST" ? requestIds(init.body) : [];
    const contentType = response.headers.get("content-type") ?? "";
    if (ids.length === 0 || !response.ok || !response.body || !contentType.includes("text/event-stream")) {
      return response;
    }
    const reader = response.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (error) {
          controller.error(error);
          onEnded(ids, error);
          return;
        }
        if (chunk.done) {
          controller.close();
          onEnded(ids, undefined);
        } else {
          controller.enqueue(chunk.value);
        }
      },
      cancel: (reason) => reader.cancel(reason),
    });
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

function requestIds(body: unknown): RequestId[] {
  if (typeof body !== "string") return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [];
  }
  const messages = Array.isArray(parsed) ? parsed : [parsed];
  return messages.filter(isJSONRPCRequest).map((message) => message.id);
}
