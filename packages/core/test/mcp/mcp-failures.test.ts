import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { connectMcp, type McpClient, McpConnectError, McpConnectionError } from "../../src/mcp/index.ts";
import { type FixtureServer, runTool, startCall, startFixture, toolNamed } from "./fixtures/launch.ts";

let server: FixtureServer | undefined;
let client: McpClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.dispose();
  client = undefined;
  server = undefined;
});

async function connect(kind: "stdio" | "http"): Promise<McpClient> {
  server = await startFixture(kind);
  client = await server.connect({ name: "fixture" });
  return client;
}

describe.each(["stdio", "http"] as const)("a dying MCP server over %s", (kind) => {
  it("fails a call whose server exits mid-call with McpConnectionError, and later calls fast", async () => {
    const mcp = await connect(kind);
    const tools = await mcp.tools();
    const error = await runTool(toolNamed(tools, "crash"), {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(McpConnectionError);
    expect(error).toMatchObject({ code: "mcp_connection_lost" });
    await expect(runTool(toolNamed(tools, "add"), { a: 1, b: 2 })).rejects.toBeInstanceOf(McpConnectionError);
    await expect(mcp.tools()).rejects.toBeInstanceOf(McpConnectionError);
    await mcp.close();
    await mcp.close();
  });

  it("fails an in-flight call with McpConnectionError when the client is closed", async () => {
    const mcp = await connect(kind);
    const call = await startCall(toolNamed(await mcp.tools(), "stall"), {});
    await mcp.close();
    await expect(call.rest).rejects.toBeInstanceOf(McpConnectionError);
    await expect(mcp.tools()).rejects.toThrow(/is closed/);
  });
});

describe("MCP over HTTP", () => {
  it("fails an in-flight call when the HTTP server closes its connections", async () => {
    const mcp = await connect("http");
    const tools = await mcp.tools();
    const call = await startCall(toolNamed(tools, "stall"), {});
    expect(call.firstProgress).toMatchObject({ message: "stalling" });
    await server!.stop();
    const error = await call.rest.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(McpConnectionError);
    expect((error as Error).message).toMatch(/response stream ended/);
    await expect(runTool(toolNamed(tools, "add"), { a: 1, b: 2 })).rejects.toBeInstanceOf(McpConnectionError);
  });

  it("reports an unreachable URL as McpConnectError", async () => {
    const port = await closedPort();
    const error = await connectMcp({ type: "http", url: `http://127.0.0.1:${port}/mcp` }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(McpConnectError);
    expect(error).toMatchObject({ code: "mcp_connect_failed" });
  });
});

describe("MCP over stdio", () => {
  it("kills the server process on close", async () => {
    const mcp = await connect("stdio");
    const { result } = await runTool(toolNamed(await mcp.tools(), "pid"), {});
    const pid = (result as { pid: number }).pid;
    expect(isRunning(pid)).toBe(true);
    await mcp.close();
    expect(isRunning(pid)).toBe(false);
  });

  it("reports a command that cannot start as McpConnectError", async () => {
    const error = await connectMcp({ type: "stdio", command: "/nonexistent/skein-mcp-server" }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(McpConnectError);
    expect((error as Error).message).toMatch(/ENOENT/);
  });

  it("reports a server that exits before the handshake as McpConnectError", async () => {
    const error = await connectMcp({
      type: "stdio",
      command: process.execPath,
      args: ["-e", "process.exit(2)"],
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(McpConnectError);
  });
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A loopback port nothing listens on: bind one, note it, release it. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}
