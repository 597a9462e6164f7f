import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ToolError } from "../../src/errors/errors.ts";
import {
  type McpClient,
  McpRequestError,
  McpTimeoutError,
  McpToolError,
  McpToolNameError,
} from "../../src/mcp/index.ts";
import {
  type FixtureServer,
  runTool,
  startCall,
  startFixture,
  type TransportKind,
  toolContext,
  toolNamed,
} from "./fixtures/launch.ts";
import { FIXTURE_TOOLS } from "./fixtures/tool-server.ts";

describe.each<TransportKind>(["stdio", "http"])("MCP client over %s", (kind) => {
  let server: FixtureServer;
  let client: McpClient;

  beforeEach(async () => {
    server = await startFixture(kind);
    client = await server.connect({ name: "fixture" });
  });

  afterEach(async () => {
    await client?.close();
    await server?.dispose();
  });

  it("lists every page of the server's tools with their descriptions and input schemas", async () => {
    const tools = await client.tools();
    expect(FIXTURE_TOOLS.length).toBeGreaterThan(6); // the fixture pages by 3: this spans three pages
    expect(tools.map((tool) => tool.name)).toEqual(FIXTURE_TOOLS.map((tool) => tool.name));
    const add = toolNamed(tools, "add");
    expect(add.description).toBe("Adds two numbers");
    expect(add.input.jsonSchema).toEqual(FIXTURE_TOOLS[0]?.inputSchema);
    expect(add.timeoutMs).toBe(60_000);
    expect(await add.input.validate({ a: 1, b: 2 })).toEqual({ ok: true, value: { a: 1, b: 2 } });
    expect(await add.input.validate({ a: "one" })).toMatchObject({ ok: false });
    expect(client.serverInfo).toMatchObject({ name: "skein-fixture" });
  });

  it("filters with allow and deny on the server's names, then prefixes", async () => {
    const tools = await client.tools({ allow: ["add", /^s/], deny: ["stall", "fx_add"], prefix: "fx_" });
    expect(tools.map((tool) => tool.name)).toEqual(["fx_add", "fx_slow"]);
    const denied = await client.tools({ deny: [/a/g] });
    expect(denied.map((tool) => tool.name)).toEqual(["echo", "slow", "reject", "pid"]);
    expect((await runTool(toolNamed(tools, "fx_add"), { a: 1, b: 1 })).result).toEqual({ sum: 2 });
  });

  it("refuses a prefix that makes an invalid tool name", async () => {
    await expect(client.tools({ prefix: "fixture server." })).rejects.toMatchObject({
      code: "mcp_invalid_tool_name",
      toolName: "fixture server.add",
    });
    await expect(client.tools({ prefix: "x".repeat(62) })).rejects.toBeInstanceOf(McpToolNameError);
    expect((await client.tools({ prefix: "x".repeat(61), allow: ["add"] }))[0]?.name).toHaveLength(64);
  });

  it("returns structured content when the server sends it, text and summaries otherwise", async () => {
    const tools = await client.tools();
    expect(await runTool(toolNamed(tools, "add"), { a: 2, b: 3 })).toEqual({
      progress: [],
      result: { sum: 5 },
    });
    const { result } = await runTool(toolNamed(tools, "echo"), { text: "hello" });
    expect(result).toBe(
      [
        "hello",
        "second part",
        "[image image/png, 8 bytes]",
        '[resource file:///notes.md "notes"]',
        "[resource file:///a.txt text/plain]\ninline text",
      ].join("\n"),
    );
  });

  it("streams the server's progress notifications before the result", async () => {
    const slow = toolNamed(await client.tools(), "slow");
    const { progress, result } = await runTool(slow, { steps: 3 });
    expect(progress).toEqual([
      { progress: 1, total: 3, message: "step 1 of 3" },
      { progress: 2, total: 3, message: "step 2 of 3" },
      { progress: 3, total: 3, message: "step 3 of 3" },
    ]);
    expect(result).toBe("slow finished after 3 steps");
  });

  it("turns an isError result into a McpToolError carrying the server's text", async () => {
    const fail = toolNamed(await client.tools(), "fail");
    const error = await runTool(fail, {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(McpToolError);
    expect(error).toBeInstanceOf(ToolError);
    expect(error).toMatchObject({ code: "mcp_tool_error", message: "the fail tool failed on purpose" });
  });

  it("turns a JSON-RPC error answer into a McpRequestError with the server's code", async () => {
    const reject = toolNamed(await client.tools(), "reject");
    const error = await runTool(reject, {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(McpRequestError);
    expect(error).toMatchObject({ code: "mcp_request_failed", rpcCode: -32602 });
    expect((error as Error).message).toContain("reject refuses every call");
  });

  it("fails a call that passes its deadline with McpTimeoutError and cancels it on the server", async () => {
    const tools = await client.tools({ timeoutMs: 300 });
    const error = await runTool(toolNamed(tools, "stall"), {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(McpTimeoutError);
    expect(error).toMatchObject({ code: "mcp_timeout", timeoutMs: 300 });
    const cancellations = toolNamed(await client.tools(), "cancellations");
    expect((await runTool(cancellations, { count: 1 })).result).toEqual({ cancelled: ["stall"] });
    // The client stays usable after a timed-out call.
    expect((await runTool(toolNamed(tools, "add"), { a: 1, b: 2 })).result).toEqual({ sum: 3 });
  });

  it("cancels an in-flight call through ctx.signal, and the server sees the cancellation", async () => {
    const tools = await client.tools();
    const controller = new AbortController();
    const call = await startCall(
      toolNamed(tools, "slow"),
      { untilCancelled: true },
      toolContext(controller.signal),
    );
    expect(call.firstProgress).toMatchObject({ progress: 0, message: "waiting for cancellation" });
    const reason = new Error("the user pressed stop");
    controller.abort(reason);
    await expect(call.rest).rejects.toBe(reason);
    const seen = await runTool(toolNamed(tools, "cancellations"), { count: 1 });
    expect(seen.result).toEqual({ cancelled: ["slow"] });
  });

  it("does not call the server when the signal is already aborted", async () => {
    const add = toolNamed(await client.tools(), "add");
    const controller = new AbortController();
    controller.abort(new Error("too late"));
    await expect(runTool(add, { a: 1, b: 2 }, toolContext(controller.signal))).rejects.toThrow("too late");
  });

  it("cancels the call on the server when the consumer stops reading", async () => {
    const tools = await client.tools();
    const events = toolNamed(tools, "slow").stream({ untilCancelled: true }, toolContext());
    for await (const event of events) {
      expect(event.type).toBe("progress");
      break;
    }
    const seen = await runTool(toolNamed(tools, "cancellations"), { count: 1 });
    expect(seen.result).toEqual({ cancelled: ["slow"] });
  });
});

describe("MCP client over http", () => {
  it("sends the configured HTTP headers", async () => {
    const server = await startFixture("http");
    const client = await server.connect({ headers: { "X-Skein-Test": "from-options" } });
    try {
      const header = toolNamed(await client.tools(), "header");
      expect((await runTool(header, { name: "X-Skein-Test" })).result).toBe("from-options");
    } finally {
      await client.close();
      await server.dispose();
    }
  });
});
