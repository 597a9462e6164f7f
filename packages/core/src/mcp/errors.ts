import { SkeinError, ToolError } from "../errors/errors.ts";

/** Could not start or initialise the MCP server (spawn failed, HTTP unreachable, handshake refused). */
export class McpConnectError extends SkeinError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("mcp_connect_failed", message, options);
  }
}

/** The server went away (child exited, HTTP stream or socket broke) before answering. */
export class McpConnectionError extends ToolError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("mcp_connection_lost", message, options);
  }
}

/** The server did not answer within the call's deadline; a `notifications/cancelled` was sent. */
export class McpTimeoutError extends ToolError {
  readonly timeoutMs: number;
  constructor(message: string, timeoutMs: number, options?: { cause?: unknown }) {
    super("mcp_timeout", message, options);
    this.timeoutMs = timeoutMs;
  }
}

/** The tool ran and reported failure (`isError: true`); the message is the server's text. */
export class McpToolError extends ToolError {
  readonly content: unknown;
  constructor(message: string, content: unknown) {
    super("mcp_tool_error", message);
    this.content = content;
  }
}

/** The server answered a request with a JSON-RPC error, or with a result that breaks the protocol. */
export class McpRequestError extends ToolError {
  /** The JSON-RPC error code, when the server sent one. */
  readonly rpcCode?: number;
  constructor(message: string, rpcCode?: number, options?: { cause?: unknown }) {
    super("mcp_request_failed", message, options);
    this.rpcCode = rpcCode;
  }
}

/** A server tool's name (after the prefix) is not a valid Skein/model tool name. */
export class McpToolNameError extends SkeinError {
  readonly toolName: string;
  constructor(toolName: string, serverToolName: string) {
    super(
      "mcp_invalid_tool_name",
      `MCP tool "${serverToolName}" would be exposed as "${toolName}", which does not match ^[a-zA-Z0-9_-]{1,64}$; ` +
        "choose another prefix or exclude it with `deny`",
    );
    this.toolName = toolName;
  }
}
