import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Implementation } from "@modelcontextprotocol/sdk/types.js";
import type { Tool } from "../tools/tool.ts";
import { McpConnectError, McpConnectionError } from "./errors.ts";
import { listAllTools, type McpToolsOptions, toSkeinTools } from "./mcp-tools.ts";
import type { McpSession } from "./tool-call.ts";
import { type McpTrace, streamWatchingFetch, WatchedTransport } from "./watched-transport.ts";

/** Spawn a local server and speak MCP over its stdin/stdout. */
export interface McpStdioTransportOptions {
  type: "stdio";
  command: string;
  args?: readonly string[];
  /** Added to a minimal inherited environment (PATH, HOME, USER, SHELL, TERM, LOGNAME). */
  env?: Record<string, string>;
  cwd?: string;
  /** Where the server's stderr goes; "inherit" by default. */
  stderr?: "inherit" | "ignore";
}

/** A remote server speaking Streamable HTTP. */
export interface McpHttpTransportOptions {
  type: "http";
  url: string | URL;
  headers?: Record<string, string>;
}

export interface McpClientOptions {
  /** Names the server in errors; defaults to the command or the URL's host. */
  name?: string;
  /** Default deadline for each tool call, in ms (60 s). */
  timeoutMs?: number;
  /** Deadline for the initialize handshake, in ms (30 s). */
  connectTimeoutMs?: number;
  /** Cancels connecting. */
  signal?: AbortSignal;
  /** What the client tells the server it is; `skein` by default. */
  clientInfo?: Implementation;
  /** Non-fatal transport and protocol errors (a broken standalone stream, a stray message). */
  onError?: (error: Error) => void;
  /** Sees every JSON-RPC message sent and received. */
  trace?: McpTrace;
}

export type McpConnectOptions = (McpStdioTransportOptions | McpHttpTransportOptions) & McpClientOptions;

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
/** How long `close()` waits for an HTTP server to acknowledge the session's end. */
const SESSION_END_WAIT_MS = 2_000;
const CLIENT_INFO: Implementation = { name: "skein", version: "0.1.0" };

/** A connection to one MCP server; its tools become Skein tools through `tools()`. */
export class McpClient {
  /** The label used in errors. */
  readonly name: string;
  private readonly client: Client;
  private readonly transport: WatchedTransport;
  private readonly http: StreamableHTTPClientTransport | undefined;
  private readonly timeoutMs: number;
  private readonly session: McpSession;
  private lost: McpConnectionError | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;

  private constructor(options: McpConnectOptions) {
    this.name = options.name ?? defaultName(options);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.client = new Client(options.clientInfo ?? CLIENT_INFO, { capabilities: {} });
    if (options.type === "stdio") {
      const inner = new StdioClientTransport({
        command: options.command,
        args: options.args ? [...options.args] : undefined,
        env: options.env,
        cwd: options.cwd,
        stderr: options.stderr ?? "inherit",
      });
      this.transport = new WatchedTransport(inner, options.trace);
    } else {
      this.http = new StreamableHTTPClientTransport(new URL(options.url), {
        requestInit: options.headers ? { headers: options.headers } : undefined,
        fetch: streamWatchingFetch((ids, cause) => this.transport.responseStreamEnded(ids, cause)),
      });
      this.transport = new WatchedTransport(this.http, options.trace);
    }
    this.session = {
      client: this.client,
      label: this.name,
      connectionLost: () => this.connectionLost(),
      watchProgress: (listener) => this.transport.watchProgress(listener),
    };
    this.client.onclose = () => {
      if (!this.closed && this.lost === undefined) {
        this.lost = new McpConnectionError(`MCP server "${this.name}" closed the connection`);
      }
    };
    const onError = options.onError;
    if (onError) this.client.onerror = (error) => onError(error);
  }

  /** Starts the server (stdio) or reaches it (HTTP) and runs the initialize handshake. */
  static async connect(options: McpConnectOptions): Promise<McpClient> {
    const mcp = new this(options); // `this`, not the class's own name, which the build would rename
    try {
      await mcp.client.connect(mcp.transport, {
        signal: options.signal,
        timeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      });
    } catch (error) {
      await mcp.close();
      if (options.signal?.aborted) throw options.signal.reason;
      const reason = error instanceof Error ? error.message : String(error);
      throw new McpConnectError(`Could not connect to MCP server "${mcp.name}": ${reason}`, { cause: error });
    }
    return mcp;
  }

  /** The server's name and version, from the handshake. */
  get serverInfo(): Implementation | undefined {
    return this.client.getServerVersion();
  }

  /** The server's usage instructions, from the handshake. */
  get instructions(): string | undefined {
    return this.client.getInstructions();
  }

  /** The server's tools (every page), filtered and prefixed, as Skein tools. */
  async tools(options: McpToolsOptions = {}): Promise<Tool<Record<string, unknown>>[]> {
    const lost = this.connectionLost();
    if (lost) throw lost;
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const infos = await listAllTools(this.session, { signal: options.signal, timeoutMs });
    return toSkeinTools(this.session, infos, { ...options, timeoutMs });
  }

  /** Ends the session and kills the child (stdio). Safe to call more than once. */
  close(): Promise<void> {
    this.closed = true;
    this.closing ??= this.shutdown();
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** The error calls fail with once the server is gone or the client is closed; a fresh instance each time. */
  private connectionLost(): McpConnectionError | undefined {
    if (this.lost) return new McpConnectionError(this.lost.message);
    if (this.closed) return new McpConnectionError(`The MCP client for "${this.name}" is closed`);
    return undefined;
  }

  private async shutdown(): Promise<void> {
    if (this.http && this.lost === undefined) {
      // Tell the server the session is over, but do not let a stalled server hold up closing.
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, SESSION_END_WAIT_MS);
      });
      await Promise.race([this.http.terminateSession().catch(() => {}), bound]);
      clearTimeout(timer);
    }
    await this.client.close().catch(() => {});
  }
}

/** Connects to an MCP server: `const github = await connectMcp({ type: "stdio", command: "github-mcp" })`. */
export const connectMcp = (options: McpConnectOptions): Promise<McpClient> => McpClient.connect(options);

function defaultName(options: McpConnectOptions): string {
  if (options.type === "http") return new URL(options.url).host;
  return [options.command, ...(options.args ?? [])].join(" ");
}
