import { type MockOpenAIServer, startMockOpenAIServer } from "@skein/core/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanEnv, runCli, startCli } from "./run-cli.ts";

const example = "examples/ai-market-analyst";

let mock: MockOpenAIServer;
beforeEach(async () => {
  mock = await startMockOpenAIServer();
});
afterEach(async () => {
  await mock.close();
});

const flags = () => ["--base-url", mock.url, "--model", "qwen-plus", "--api-key", "test-key"];

describe("skein chat against a mock OpenAI-compatible server (test double)", () => {
  it("-p runs one turn: prints the tool call, its result and the streamed answer, exit code 0", async () => {
    mock.enqueue(
      {
        type: "tool-calls",
        calls: [{ name: "compare_investments", arguments: { companies: ["Alibaba", "Tencent"] } }],
      },
      { type: "text", text: "Alibaba's range midpoint is $42B above Tencent's." },
    );
    const result = await runCli(["chat", example, "-p", "Compare Alibaba and Tencent", ...flags()]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toBe('→ compare_investments {"companies":["Alibaba","Tencent"]}');
    expect(lines[1]).toMatch(/^← compare_investments \{"basis":"Computed from the midpoint.*…$/);
    expect(lines.slice(2)).toEqual(["Alibaba's range midpoint is $42B above Tencent's.", ""]);
    // The tool really ran: its result went back to the model.
    const toolMessage = mock.requests[1]!.body.messages.at(-1);
    expect(toolMessage.role).toBe("tool");
    expect(JSON.parse(toolMessage.content).pairs[0]).toMatchObject({
      first: "Alibaba",
      midpointDifference: 42,
    });
  });

  it("reads piped stdin line by line and carries the history into the next turn", async () => {
    mock.enqueue({ type: "text", text: "Four companies." }, { type: "text", text: "Alibaba leads." });
    const result = await runCli(["chat", example, ...flags()], {
      stdin: "How many companies are covered?\n\nWhich one invests most?\n",
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("Four companies.\nAlibaba leads.\n");
    expect(mock.requests).toHaveLength(2);
    const turn2 = mock.requests[1]!.body.messages.filter((m: { role: string }) => m.role !== "system");
    expect(turn2).toEqual([
      { role: "user", content: "How many companies are covered?" },
      expect.objectContaining({ role: "assistant", content: "Four companies." }),
      { role: "user", content: "Which one invests most?" },
    ]);
  });

  it("takes the model from SKEIN_* environment variables", async () => {
    mock.enqueue({ type: "text", text: "Hello from env." });
    const env = cleanEnv({ SKEIN_BASE_URL: mock.url, SKEIN_MODEL: "env-model", SKEIN_API_KEY: "env-key" });
    const result = await runCli(["chat", example, "-p", "hi"], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("Hello from env.\n");
    expect(mock.requests[0]!.body.model).toBe("env-model");
    expect(mock.requests[0]!.headers.authorization).toBe("Bearer env-key");
  });

  it("--json prints parseable JSON lines from run-start to run-end", async () => {
    mock.enqueue(
      {
        type: "tool-calls",
        reasoning: "Look it up.",
        calls: [{ name: "get_company", arguments: { name: "Baidu" } }],
      },
      { type: "text", text: "Baidu builds Ernie." },
    );
    const result = await runCli(["chat", example, "-p", "Baidu?", "--json", ...flags()]);
    expect(result.code).toBe(0);
    const events = result.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(events[0]).toMatchObject({ type: "run-start", agent: "ai-market-analyst" });
    expect(events.at(-1)).toMatchObject({ type: "run-end", stopReason: "done", text: "Baidu builds Ernie." });
    const types = events.map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(["turn-start", "reasoning-delta", "tool-call", "tool-result", "text-delta"]),
    );
    expect(types.some((t) => t.startsWith("before-") || t.startsWith("after-"))).toBe(false);
    const toolResult = events.find((e) => e.type === "tool-result");
    expect(JSON.parse(toolResult.content)).toMatchObject({ name: "Baidu", flagshipAi: ["Ernie LLM"] });
  });

  it("ends with exit code 1 and the error code on stderr when the model fails", async () => {
    mock.enqueue({ type: "error", status: 401 });
    const result = await runCli(["chat", example, "-p", "hi", ...flags()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error \[model_auth\]: /);
  });
});

describe("skein chat configuration", () => {
  it("without a model exits with code 2 and names the variables to set", async () => {
    const result = await runCli(["chat", example, "-p", "hi"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    for (const name of ["SKEIN_MODEL", "SKEIN_BASE_URL", "SKEIN_API_KEY", "DASHSCOPE_API_KEY"]) {
      expect(result.stderr).toContain(name);
    }
  });

  it("keeps an agent's own model unless --model or --base-url is given", async () => {
    const agent = "packages/cli/test/fixtures/own-model-agent.ts";
    const own = await runCli(["chat", agent, "-p", "hi", "--no-reasoning"], {
      env: cleanEnv({ DASHSCOPE_API_KEY: "unused" }),
    });
    expect(own.code).toBe(0);
    expect(own.stdout).toBe("answer from the agent's own model\n");

    mock.enqueue({ type: "text", text: "answer from the mock server" });
    const overridden = await runCli(["chat", agent, "-p", "hi", ...flags()]);
    expect(overridden.stdout).toBe("answer from the mock server\n");
    expect(mock.requests).toHaveLength(1);
  });

  it("reports a missing agent and an unknown flag with exit code 2", async () => {
    const missing = await runCli(["chat", "no/such/agent", "-p", "hi"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/agent_not_found/);
    const badFlag = await runCli(["chat", "--frobnicate"]);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/--frobnicate/);
  });

  it("lists serve, dev and keys in the help, and refuses their bad flags with exit code 2", async () => {
    const result = await runCli(["serve", "--port", "eighty"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--port must be a number/);
    const help = await runCli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/chat \[agent\]/);
    expect(help.stdout).toMatch(/serve .*API keys required/);
  });
});

describe("skein chat cancellation", () => {
  it("SIGINT during a run cancels it: run-end cancelled with a valid history, exit code 130", async () => {
    mock.enqueue({ type: "stall", text: "Let me think" });
    const cli = startCli(["chat", example, "-p", "hi", "--json", ...flags()]);
    await cli.waitForStdout('"text-delta"');
    cli.child.kill("SIGINT");
    const result = await cli.done;
    expect(result.code).toBe(130);
    const last = JSON.parse(result.stdout.trimEnd().split("\n").at(-1)!);
    expect(last).toMatchObject({ type: "run-end", stopReason: "cancelled" });
    expect(last.messages).toEqual([{ role: "user", content: "hi" }]);
  });
});
