/**
 * `@skein/core/mcp`: MCP servers' tools as Skein tools (kept out of the main entry so the SDK's bundle
 * stays small for users who do not use MCP).
 *
 *   const github = await connectMcp({ type: "stdio", command: "github-mcp-server", args: ["stdio"] });
 *   const tools = await github.tools({ prefix: "github_", deny: [/^delete_/] });
 */
export {
  connectMcp,
  McpClient,
  type McpClientOptions,
  type McpConnectOptions,
  type McpHttpTransportOptions,
  type McpStdioTransportOptions,
} from "./client.ts";
export {
  McpConnectError,
  McpConnectionError,
  McpRequestError,
  McpTimeoutError,
  McpToolError,
  McpToolNameError,
} from "./errors.ts";
export type { McpToolsOptions, ToolNamePattern } from "./mcp-tools.ts";
export type { McpTrace } from "./watched-transport.ts";
