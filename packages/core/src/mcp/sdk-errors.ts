import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { McpConnectionError, McpRequestError, McpTimeoutError } from "./errors.ts";

export interface FailureContext {
  /** What was being done, for messages: `MCP tool "add" on server "math"`. */
  what: string;
  timeoutMs: number;
  /** The caller's signal: when it is aborted, its reason wins over whatever the SDK made of it. */
  signal?: AbortSignal;
  /** The error every call gets once the server is gone. */
  connectionLost(): McpConnectionError | undefined;
}

/** Maps what the SDK throws to Skein's typed MCP errors. */
export function fromSdkError(error: unknown, context: FailureContext): unknown {
  const { what, timeoutMs, signal } = context;
  // The SDK reports an abort as a RequestTimeout McpError; the caller's own reason is the truth.
  if (signal?.aborted) return signal.reason;
  if (error instanceof McpError) {
    if (error.code === ErrorCode.RequestTimeout) {
      return new McpTimeoutError(`${what} did not answer within ${timeoutMs} ms`, timeoutMs, {
        cause: error,
      });
    }
    if (error.code === ErrorCode.ConnectionClosed) {
      return (
        context.connectionLost() ??
        new McpConnectionError(`${what}: ${stripPrefix(error.message)}`, { cause: error })
      );
    }
    return new McpRequestError(`${what} failed: ${stripPrefix(error.message)}`, error.code, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  // The SDK validates answers with zod: a failure means the server broke the protocol, not the connection.
  if (error instanceof Error && error.name === "ZodError") {
    return new McpRequestError(`${what}: the server's answer is not valid MCP: ${message}`, undefined, {
      cause: error,
    });
  }
  return (
    context.connectionLost() ??
    new McpConnectionError(`${what}: the connection to the MCP server failed: ${message}`, { cause: error })
  );
}

/** McpError messages start with "MCP error -32000: ". */
const stripPrefix = (message: string): string => message.replace(/^MCP error -?\d+: /, "");
