import { describe, expect, it } from "vitest";
import { parseChatArgs, parseTopLevel } from "../src/args.ts";
import { UsageError } from "../src/errors.ts";

describe("parseTopLevel", () => {
  it("dispatches to a command with its own arguments", () => {
    expect(parseTopLevel(["chat", "examples/x", "-p", "hi"])).toEqual({
      kind: "command",
      command: "chat",
      args: ["examples/x", "-p", "hi"],
    });
    expect(parseTopLevel(["serve"])).toMatchObject({ kind: "command", command: "serve" });
  });

  it("shows help without a command and answers --version", () => {
    expect(parseTopLevel([])).toEqual({ kind: "help" });
    expect(parseTopLevel(["--help"])).toEqual({ kind: "help" });
    expect(parseTopLevel(["--version"])).toEqual({ kind: "version" });
  });

  it("rejects unknown commands and options", () => {
    expect(() => parseTopLevel(["deploy"])).toThrow(UsageError);
    expect(() => parseTopLevel(["deploy"])).toThrow(/chat, serve, dev, keys/);
    expect(() => parseTopLevel(["--model", "x"])).toThrow(UsageError);
  });
});

describe("parseChatArgs", () => {
  it("reads the agent and every flag", () => {
    const args = parseChatArgs([
      "examples/ai-market-analyst",
      "--model",
      "qwen3-max",
      "--base-url=http://127.0.0.1:9/v1",
      "--api-key",
      "k",
      "--region",
      "beijing",
      "-p",
      "Compare Alibaba and Tencent",
      "--session",
      "s1",
      "--no-reasoning",
      "--json",
    ]);
    expect(args).toEqual({
      agent: "examples/ai-market-analyst",
      model: "qwen3-max",
      baseUrl: "http://127.0.0.1:9/v1",
      apiKey: "k",
      region: "beijing",
      prompt: "Compare Alibaba and Tencent",
      session: "s1",
      reasoning: false,
      json: true,
      help: false,
      version: false,
    });
  });

  it("defaults: current folder, reasoning shown, human output", () => {
    expect(parseChatArgs([])).toMatchObject({
      agent: undefined,
      reasoning: true,
      json: false,
      prompt: undefined,
    });
    expect(parseChatArgs(["--prompt", "hi"]).prompt).toBe("hi");
    expect(parseChatArgs(["-h"]).help).toBe(true);
  });

  it("turns parse failures into usage errors", () => {
    expect(() => parseChatArgs(["--nope"])).toThrow(UsageError);
    expect(() => parseChatArgs(["--model"])).toThrow(UsageError);
    expect(() => parseChatArgs(["a", "b"])).toThrow(/at most one agent/);
    expect(() => parseChatArgs(["-p", "  "])).toThrow(/empty/);
  });
});
