import type { Tool as McpToolInfo } from "@modelcontextprotocol/sdk/types.js";
import type { JsonSchema } from "../model/model.ts";
import { compileSchema } from "../schema/compile.ts";
import type { Tool, ToolContext } from "../tools/tool.ts";
import { McpRequestError, McpToolNameError } from "./errors.ts";
import { fromSdkError } from "./sdk-errors.ts";
import { type McpSession, streamToolCall } from "./tool-call.ts";

/** A server tool name, exactly, or a RegExp tested against it. */
export type ToolNamePattern = string | RegExp;

export interface McpToolsOptions {
  /** Keep only the server's tools matching one of these (names before prefixing). */
  allow?: readonly ToolNamePattern[];
  /** Drop the server's tools matching one of these (names before prefixing). */
  deny?: readonly ToolNamePattern[];
  /** Put in front of each name, e.g. "github_", to keep names unique across servers. */
  prefix?: string;
  /** Deadline for each call of these tools; defaults to the client's `timeoutMs`. */
  timeoutMs?: number;
  /** Cancels the listing. */
  signal?: AbortSignal;
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** Lists every page of the server's tools. */
export async function listAllTools(
  session: McpSession,
  options: { signal?: AbortSignal; timeoutMs: number },
): Promise<McpToolInfo[]> {
  const tools: McpToolInfo[] = [];
  const seenCursors = new Set<string>();
  let cursor: string | undefined;
  do {
    let page: Awaited<ReturnType<McpSession["client"]["listTools"]>>;
    try {
      page = await session.client.listTools(cursor === undefined ? undefined : { cursor }, {
        signal: options.signal,
        timeout: options.timeoutMs,
      });
    } catch (error) {
      throw fromSdkError(error, {
        what: `Listing the tools of MCP server "${session.label}"`,
        timeoutMs: options.timeoutMs,
        signal: options.signal,
        connectionLost: () => session.connectionLost(),
      });
    }
    tools.push(...page.tools);
    cursor = page.nextCursor;
    if (cursor !== undefined) {
      if (seenCursors.has(cursor)) {
        throw new McpRequestError(`MCP server "${session.label}" repeated the tools/list cursor "${cursor}"`);
      }
      seenCursors.add(cursor);
    }
  } while (cursor !== undefined);
  return tools;
}

/** Filters the server's tools and wraps them as Skein tools. */
export function toSkeinTools(
  session: McpSession,
  infos: readonly McpToolInfo[],
  options: McpToolsOptions & { timeoutMs: number },
): Tool<Record<string, unknown>>[] {
  const selected = infos.filter(
    (info) =>
      (options.allow === undefined || matchesAny(info.name, options.allow)) &&
      !matchesAny(info.name, options.deny ?? []),
  );
  return selected.map((info) => toSkeinTool(session, info, options.prefix ?? "", options.timeoutMs));
}

function toSkeinTool(
  session: McpSession,
  info: McpToolInfo,
  prefix: string,
  timeoutMs: number,
): Tool<Record<string, unknown>> {
  const name = prefix + info.name;
  if (!TOOL_NAME.test(name)) throw new McpToolNameError(name, info.name);
  const serverName = info.name;
  return {
    name,
    description: info.description ?? info.title ?? info.annotations?.title ?? "",
    input: compileSchema<Record<string, unknown>>(info.inputSchema as JsonSchema),
    timeoutMs,
    stream: (input: Record<string, unknown>, ctx: ToolContext) =>
      streamToolCall(session, serverName, input, ctx, timeoutMs),
  };
}

function matchesAny(name: string, patterns: readonly ToolNamePattern[]): boolean {
  // `search` ignores a global RegExp's lastIndex, unlike `test`.
  return patterns.some((pattern) =>
    typeof pattern === "string" ? pattern === name : name.search(pattern) !== -1,
  );
}
