import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ModelNotConfiguredError } from "../../src/errors/errors.ts";
import type { Usage } from "../../src/model/usage.ts";
import { computeCost } from "../../src/models/cost.ts";
import { lookupModelInfo, qwenCatalog } from "../../src/models/qwen/catalog.ts";
import { qwen } from "../../src/models/qwen/qwen.ts";
import { qwenBaseURL, qwenRegions } from "../../src/models/qwen/regions.ts";
import {
  type MockOpenAIServer,
  type MockStep,
  mockResponseFromFile,
  startMockOpenAIServer,
} from "../../src/testing/mock-openai-server.ts";
import { collect, collectFailure, qwenFixture, user } from "./helpers.ts";

let server: MockOpenAIServer | undefined;
let savedKey: string | undefined;
beforeEach(() => {
  savedKey = process.env.DASHSCOPE_API_KEY;
  delete process.env.DASHSCOPE_API_KEY;
});
afterEach(async () => {
  if (savedKey === undefined) delete process.env.DASHSCOPE_API_KEY;
  else process.env.DASHSCOPE_API_KEY = savedKey;
  await server?.close();
  server = undefined;
});

async function serve(...responses: MockStep[]): Promise<string> {
  server = await startMockOpenAIServer({ responses });
  return server.url;
}

const usageOf = (events: Awaited<ReturnType<typeof collect>>): Usage =>
  (events.find((e) => e.type === "usage") as { usage: Usage }).usage;

describe("qwen() endpoints and keys", () => {
  it("knows the documented compatible-mode base URL of every region", () => {
    expect(qwen({ model: "qwen3-max", apiKey: "k" }).baseURL).toBe(
      "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
    );
    const urls = Object.fromEntries(
      Object.keys(qwenRegions).map((r) => [r, qwenBaseURL(r as keyof typeof qwenRegions)]),
    );
    expect(urls).toEqual({
      singapore: "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
      beijing: "https://dashscope.aliyuncs.com/compatible-mode/v1",
      "us-virginia": "https://dashscope-us.aliyuncs.com/compatible-mode/v1",
      hongkong: "https://cn-hongkong.dashscope.aliyuncs.com/compatible-mode/v1",
      frankfurt: undefined,
      tokyo: undefined,
    });
    expect(qwen({ model: "qwen-plus", region: "beijing" }).baseURL).toBe(
      "https://dashscope.aliyuncs.com/compatible-mode/v1",
    );
    expect(qwen({ model: "qwen-plus", region: "us-virginia" }).baseURL).toBe(
      "https://dashscope-us.aliyuncs.com/compatible-mode/v1",
    );
  });

  it("builds workspace-dedicated domains, which Frankfurt and Tokyo require", () => {
    expect(qwen({ model: "qwen-plus", region: "frankfurt", workspaceId: "ws-1" }).baseURL).toBe(
      "https://ws-1.eu-central-1.maas.aliyuncs.com/compatible-mode/v1",
    );
    expect(qwen({ model: "qwen-plus", region: "singapore", workspaceId: "ws-2" }).baseURL).toBe(
      "https://ws-2.ap-southeast-1.maas.aliyuncs.com/compatible-mode/v1",
    );
    expect(() => qwen({ model: "qwen-plus", region: "tokyo" })).toThrow(ModelNotConfiguredError);
    expect(() => qwen({ model: "qwen-plus", region: "mars" as "tokyo" })).toThrow(/Unknown Qwen region/);
  });

  it("uses DASHSCOPE_API_KEY when no key is passed", async () => {
    process.env.DASHSCOPE_API_KEY = "sk-from-env";
    const model = qwen({ model: "qwen-plus", baseURL: await serve({ type: "text", text: "hi" }) });
    await collect(model.stream(user("hi")));
    expect(server!.requests[0]!.headers.authorization).toBe("Bearer sk-from-env");
    expect(model.provider).toBe("dashscope");
  });

  it("without a key, the call fails with ModelNotConfiguredError naming the variable", async () => {
    const model = qwen({ model: "qwen-plus", baseURL: await serve({ type: "text", text: "unused" }) });
    const { error } = await collectFailure(model.stream(user("hi")));
    expect(error).toBeInstanceOf(ModelNotConfiguredError);
    expect((error as Error).message).toContain("DASHSCOPE_API_KEY");
    expect(server!.requests).toHaveLength(0);
  });
});

describe("qwen() request options", () => {
  it("sends enable_thinking, thinking_budget, enable_search, parallel_tool_calls and include_usage", async () => {
    const baseURL = await serve(
      { type: "text", text: "a" },
      { type: "text", text: "b" },
      { type: "text", text: "c" },
    );
    const tools = [{ name: "t", description: "d", parameters: { type: "object" } }];
    const thinking = qwen({
      model: "qwen-plus",
      apiKey: "k",
      baseURL,
      thinking: { budgetTokens: 500 },
      search: true,
    });
    await collect(thinking.stream({ ...user("x"), tools }));
    expect(server!.requests[0]!.body).toMatchObject({
      model: "qwen-plus",
      stream: true,
      stream_options: { include_usage: true },
      enable_thinking: true,
      thinking_budget: 500,
      enable_search: true,
      parallel_tool_calls: true,
    });

    const plain = qwen({
      model: "qwen-plus",
      apiKey: "k",
      baseURL,
      thinking: false,
      parallelToolCalls: false,
    });
    await collect(plain.stream({ ...user("y"), tools }));
    const second = server!.requests[1]!.body;
    expect(second.enable_thinking).toBe(false);
    expect(second.parallel_tool_calls).toBe(false);
    expect("thinking_budget" in second || "enable_search" in second).toBe(false);

    // No tools: no parallel_tool_calls; no thinking option: the model's default.
    await collect(qwen({ model: "qwen-plus", apiKey: "k", baseURL }).stream(user("z")));
    const third = server!.requests[2]!.body;
    expect("parallel_tool_calls" in third || "enable_thinking" in third).toBe(false);
  });
});

describe("qwen() usage cost from the catalog", () => {
  it("prices the thinking fixture's usage with qwen3-max's first tier", async () => {
    const baseURL = await serve(mockResponseFromFile(qwenFixture("stream-thinking-then-text.sse")));
    const events = await collect(qwen({ model: "qwen3-max", apiKey: "k", baseURL }).stream(user("hi")));
    const usage = usageOf(events);
    expect(usage).toMatchObject({ inputTokens: 31, outputTokens: 58, reasoningTokens: 41 });
    expect(usage.cost?.currency).toBe("USD");
    expect(usage.cost?.input).toBeCloseTo((31 * 1.2) / 1e6, 12);
    expect(usage.cost?.output).toBeCloseTo((58 * 6) / 1e6, 12);
    expect(usage.cost?.total).toBeCloseTo((31 * 1.2 + 58 * 6) / 1e6, 12);
  });

  it("bills a thinking-mode answer at the thinking output price and cached input at its own price", async () => {
    const baseURL = await serve({
      type: "text",
      reasoning: "Let me think.",
      text: "Done.",
      usage: { prompt_tokens: 1000, completion_tokens: 200, reasoning_tokens: 150, cached_tokens: 400 },
    });
    const events = await collect(
      qwen({ model: "qwen-plus", apiKey: "k", baseURL, thinking: true }).stream(user("q")),
    );
    const usage = usageOf(events);
    expect(usage).toMatchObject({ inputTokens: 1000, cachedInputTokens: 400, reasoningTokens: 150 });
    expect(usage.cost?.input).toBeCloseTo((600 * 0.4 + 400 * 0.08) / 1e6, 12);
    expect(usage.cost?.output).toBeCloseTo((200 * 4) / 1e6, 12);
  });

  it("gives no pricing outside the International region, unless info is passed", () => {
    expect(qwen({ model: "qwen3-max", region: "beijing" }).info).toEqual({
      contextWindow: 262_144,
      maxOutputTokens: 65_536,
    });
    expect(qwen({ model: "qwen3-max" }).info?.pricing?.currency).toBe("USD");
    const info = { contextWindow: 1000, maxOutputTokens: 100 };
    expect(qwen({ model: "qwen3-max", info }).info).toBe(info);
    expect(qwen({ model: "my-fine-tune" }).info).toBeUndefined();
  });
});

describe("catalog and cost tiers", () => {
  it("lists the documented models and resolves snapshots and -latest aliases", () => {
    for (const id of [
      "qwen3-max",
      "qwen-plus",
      "qwen-flash",
      "qwen-turbo",
      "qwen3-coder-plus",
      "qwen3-coder-flash",
    ]) {
      expect(qwenCatalog).toHaveProperty(id);
    }
    for (const id of ["qwq-plus", "qwen3-235b-a22b", "qwen3-32b", "qwen3-30b-a3b"])
      expect(qwenCatalog).toHaveProperty(id);
    expect(lookupModelInfo("qwen-plus-2025-07-28")).toBe(qwenCatalog["qwen-plus"]);
    expect(lookupModelInfo("qwen-plus-latest")).toBe(qwenCatalog["qwen-plus"]);
    expect(lookupModelInfo("qwen3-max")?.contextWindow).toBe(262_144);
    expect(lookupModelInfo("gpt-4o")).toBeUndefined();
  });

  it("picks the tier by input tokens and falls back to the last tier beyond the table", () => {
    const pricing = qwenCatalog["qwen3-max"].pricing;
    const at = (inputTokens: number) =>
      computeCost(pricing, { inputTokens, outputTokens: 1_000_000, totalTokens: 0 });
    expect(at(32_768)?.output).toBe(6);
    expect(at(32_769)?.output).toBe(12);
    expect(at(131_073)?.output).toBe(15);
    expect(at(10_000_000)?.output).toBe(15);
    expect(
      computeCost({ currency: "CNY", tiers: [] }, { inputTokens: 1, outputTokens: 1, totalTokens: 2 }),
    ).toBe(undefined);
  });
});
