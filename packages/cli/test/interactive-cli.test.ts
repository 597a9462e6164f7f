import { type MockOpenAIServer, startMockOpenAIServer } from "@skein/core/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startCli } from "./run-cli.ts";

let mock: MockOpenAIServer;
beforeEach(async () => {
  mock = await startMockOpenAIServer();
});
afterEach(async () => {
  await mock.close();
});

// A real pseudo-terminal (util-linux `script`): keys go through readline exactly as typed.
describe("skein chat in a terminal", () => {
  it("streams answers, keeps history, cancels a run on Ctrl-C and exits on Ctrl-D", async () => {
    mock.enqueue(
      { type: "text", text: "Four companies." },
      { type: "stall", text: "Let me look" },
      { type: "text", text: "Still here." },
    );
    const cli = startCli(
      [
        "chat",
        "examples/ai-market-analyst",
        "--base-url",
        mock.url,
        "--model",
        "qwen-plus",
        "--api-key",
        "k",
      ],
      { tty: true },
    );
    const type = (keys: string) => cli.child.stdin!.write(keys);

    await cli.waitForStdout("ai-market-analyst · qwen-plus (openai-compatible)");
    await cli.waitForStdout("> ");
    type("How many companies?\r");
    await cli.waitForStdout("Four companies.");
    await cli.waitForStdout("> ");

    type("Which invests most?\r");
    await cli.waitForStdout("Let me look");
    type("\u0003"); // Ctrl-C while the model streams: cancels this run only
    await cli.waitForStdout("(cancelled)");
    await cli.waitForStdout("> ");

    type("Are you there?\r");
    await cli.waitForStdout("Still here.");
    await cli.waitForStdout("> ");
    type("\u0004"); // Ctrl-D at the prompt: leave
    const result = await cli.done;
    expect(result.code).toBe(0);

    expect(mock.requests).toHaveLength(3);
    const history = (i: number) =>
      mock.requests[i]!.body.messages.filter((m: { role: string }) => m.role !== "system").map(
        (m: { role: string; content: string }) => `${m.role}: ${m.content}`,
      );
    expect(history(1)).toEqual([
      "user: How many companies?",
      "assistant: Four companies.",
      "user: Which invests most?",
    ]);
    // The cancelled turn left a valid history: its question stays, its partial answer does not.
    expect(history(2)).toEqual([
      "user: How many companies?",
      "assistant: Four companies.",
      "user: Which invests most?",
      "user: Are you there?",
    ]);
  });

  it("exits on Ctrl-C at the prompt", async () => {
    const cli = startCli(["chat", "examples/ai-market-analyst", "--base-url", mock.url, "--model", "m"], {
      tty: true,
    });
    await cli.waitForStdout("> ");
    cli.child.stdin!.write("\u0003");
    expect((await cli.done).code).toBe(0);
    expect(mock.requests).toHaveLength(0);
  });
});
