// Every JSON-RPC message the client sends must be valid against the official MCP schema of the protocol version
// the SDK negotiates (2025-11-25, draft 2020-12, strict mode off), over both transports.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Schema, Validator } from "@cfworker/json-schema";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import type { McpClient } from "../../src/mcp/index.ts";
import {
  type FixtureServer,
  runTool,
  startCall,
  startFixture,
  toolContext,
  toolNamed,
} from "./fixtures/launch.ts";
import { FIXTURE_TOOLS, PAGE_SIZE } from "./fixtures/tool-server.ts";

const PROTOCOL_VERSION = "2025-11-25";
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
const schemaFile = path.resolve(repoRoot, `../shared/external/mcp-schema/${PROTOCOL_VERSION}.schema.json`);
const mcpSchema = JSON.parse(readFileSync(schemaFile, "utf8")) as Schema;

const validators = new Map<string, Validator>();
function validatorFor(definition: string): Validator {
  let validator = validators.get(definition);
  if (!validator) {
    validator = new Validator({ ...mcpSchema, $ref: `#/$defs/${definition}` }, "2020-12", false);
    validators.set(definition, validator);
  }
  return validator;
}

/** The schema definitions an outgoing client message must satisfy. */
function definitionsFor(message: JSONRPCMessage): string[] {
  if ("method" in message)
    return ["JSONRPCMessage", "id" in message ? "ClientRequest" : "ClientNotification"];
  return ["JSONRPCMessage", "error" in message ? "JSONRPCErrorResponse" : "JSONRPCResultResponse"];
}

function schemaErrors(message: JSONRPCMessage): string[] {
  return definitionsFor(message).flatMap((definition) => {
    const result = validatorFor(definition).validate(message);
    return result.valid
      ? []
      : [`${definition}: ${result.errors.map((e) => `${e.instanceLocation} ${e.error}`).join("; ")}`];
  });
}

let server: FixtureServer | undefined;
let client: McpClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.dispose();
});

describe.each(["stdio", "http"] as const)("messages the MCP client sends over %s", (kind) => {
  it(`are valid against the MCP ${PROTOCOL_VERSION} schema`, async () => {
    const sent: JSONRPCMessage[] = [];
    server = await startFixture(kind);
    client = await server.connect({
      trace: (direction, message) => {
        // As serialised on the wire (JSON drops properties set to undefined).
        if (direction === "send") sent.push(JSON.parse(JSON.stringify(message)) as JSONRPCMessage);
      },
    });
    // initialize + initialized, three pages of tools/list, calls with progress tokens, an abort and a timeout.
    const tools = await client.tools();
    await runTool(toolNamed(tools, "add"), { a: 1, b: 2 });
    await runTool(toolNamed(tools, "slow"), { steps: 2 });
    const controller = new AbortController();
    const slow = await startCall(
      toolNamed(tools, "slow"),
      { untilCancelled: true },
      toolContext(controller.signal),
    );
    controller.abort(new Error("stop"));
    await expect(slow.rest).rejects.toThrow("stop");
    const [stall] = await client.tools({ allow: ["stall"], timeoutMs: 200 });
    await expect(runTool(stall!, {})).rejects.toMatchObject({ code: "mcp_timeout" });
    await runTool(toolNamed(tools, "cancellations"), { count: 2 });
    await client.close();

    const methods = sent.map((message) => ("method" in message ? message.method : "response"));
    expect(new Set(methods)).toEqual(
      new Set([
        "initialize",
        "notifications/initialized",
        "tools/list",
        "tools/call",
        "notifications/cancelled",
      ]),
    );
    expect(sent[0]).toMatchObject({ method: "initialize", params: { protocolVersion: PROTOCOL_VERSION } });
    const pages = Math.ceil(FIXTURE_TOOLS.length / PAGE_SIZE);
    expect(sent.filter((message) => "method" in message && message.method === "tools/list").length).toBe(
      pages * 2,
    );
    expect(
      sent.map((message) => ({ message, errors: schemaErrors(message) })).filter((m) => m.errors.length),
    ).toEqual([]);
  });
});

describe("the wire schema check", () => {
  it("rejects a malformed client message", () => {
    expect(
      schemaErrors({ jsonrpc: "2.0", id: 1, method: "tools/call", params: {} } as JSONRPCMessage),
    ).not.toEqual([]);
    expect(
      schemaErrors({
        jsonrpc: "2.0",
        method: "notifications/cancelled",
        params: { requestId: true },
      } as unknown as JSONRPCMessage),
    ).not.toEqual([]);
  });
});
