import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult, Progress, ProgressToken } from "@modelcontextprotocol/sdk/types.js";
import type { ToolContext, ToolStreamEvent } from "../tools/tool.ts";
import { type McpConnectionError, McpToolError } from "./errors.ts";
import { contentText, resultContent } from "./result-content.ts";
import { fromSdkError } from "./sdk-errors.ts";

/** What a tool call needs from its client. */
export interface McpSession {
  readonly client: Client;
  readonly label: string;
  /** Set once the server is gone or the client closed: calls then fail fast with it. */
  connectionLost(): McpConnectionError | undefined;
  /** Progress notifications carrying `token` go to `listener`, synchronously and in order, until `stop()`. */
  watchProgress(listener: (progress: Progress) => void): { token: ProgressToken; stop(): void };
}

type CallEvent =
  | { type: "progress"; progress: Progress }
  | { type: "done"; result: CallToolResult }
  | { type: "failed"; error: unknown };

/**
 * Calls `tools/call` and yields the server's progress notifications as they arrive, then the result.
 * The deadline and `ctx.signal` both cancel the request; the SDK then sends `notifications/cancelled`.
 */
export async function* streamToolCall(
  session: McpSession,
  name: string,
  input: unknown,
  ctx: ToolContext,
  timeoutMs: number,
): AsyncGenerator<ToolStreamEvent> {
  ctx.signal.throwIfAborted();
  const lost = session.connectionLost();
  if (lost) throw lost;
  const what = `MCP tool "${name}" on server "${session.label}"`;
  const events = new EventQueue<CallEvent>();
  // A signal of our own per call: the SDK never removes its abort listener, and ctx.signal may outlive the call.
  const call = new AbortController();
  const forwardAbort = () => call.abort(ctx.signal.reason);
  ctx.signal.addEventListener("abort", forwardAbort, { once: true });
  let settled = false;
  // Our own progress token rather than the SDK's onprogress, which loses notifications read with the response.
  const progress = session.watchProgress((data) => events.push({ type: "progress", progress: data }));
  const params = {
    name,
    ...(isArguments(input) ? { arguments: input } : {}),
    _meta: { progressToken: progress.token },
  };
  session.client.callTool(params, undefined, { signal: call.signal, timeout: timeoutMs }).then(
    (result) => events.push({ type: "done", result: result as CallToolResult }),
    (error: unknown) => events.push({ type: "failed", error }),
  );
  try {
    while (true) {
      const event = await events.next();
      if (event.type === "progress") {
        yield { type: "progress", data: event.progress };
        continue;
      }
      settled = true;
      if (event.type === "failed") {
        throw fromSdkError(event.error, {
          what,
          timeoutMs,
          signal: ctx.signal,
          connectionLost: () => session.connectionLost(),
        });
      }
      if (event.result.isError) {
        const text = contentText(event.result.content);
        throw new McpToolError(text || `${what} reported an error`, resultContent(event.result));
      }
      yield { type: "result", content: resultContent(event.result) };
      return;
    }
  } finally {
    ctx.signal.removeEventListener("abort", forwardAbort);
    progress.stop();
    // The consumer stopped listening before the answer: cancel the request on the server too.
    if (!settled) call.abort(new Error(`${what}: the caller stopped reading the call`));
  }
}

const isArguments = (input: unknown): input is Record<string, unknown> =>
  typeof input === "object" && input !== null && !Array.isArray(input);

/** A single-consumer queue: the SDK's callbacks push, the generator awaits `next()`. */
class EventQueue<T> {
  private readonly items: T[] = [];
  private waiter: ((item: T) => void) | undefined;

  push(item: T): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter) waiter(item);
    else this.items.push(item);
  }

  next(): Promise<T> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift() as T);
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }
}
