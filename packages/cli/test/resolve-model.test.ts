import { describe, expect, it } from "vitest";
import {
  createModel,
  DEFAULT_QWEN_MODEL,
  type ModelFactories,
  resolveModel,
  resolveModelConfig,
} from "../src/config/resolve-model.ts";
import { type Model, ModelNotConfiguredError, modelFactories } from "../src/core-imports.ts";

/** Records what would be built instead of building it. */
const recordingFactories = () => {
  const calls: { factory: string; options: unknown }[] = [];
  const fake = (provider: string, id: string): Model => ({
    id,
    provider,
    stream: () => (async function* () {})(),
  });
  const factories: ModelFactories = {
    openaiCompatible: (options) => {
      calls.push({ factory: "openaiCompatible", options });
      return fake("openai-compatible", options.model);
    },
    qwen: (options) => {
      calls.push({ factory: "qwen", options });
      return fake("dashscope", options.model);
    },
  };
  return { calls, factories };
};

describe("resolveModelConfig", () => {
  it("uses the OpenAI-compatible provider with a base URL from the environment", () => {
    const env = { SKEIN_BASE_URL: "http://127.0.0.1:8000/v1", SKEIN_MODEL: "qwen3-32b", SKEIN_API_KEY: "sk" };
    expect(resolveModelConfig({}, env)).toEqual({
      provider: "openai-compatible",
      baseURL: "http://127.0.0.1:8000/v1",
      model: "qwen3-32b",
      apiKey: "sk",
    });
  });

  it("lets flags win over the environment", () => {
    const env = { SKEIN_BASE_URL: "http://env/v1", SKEIN_MODEL: "env-model", SKEIN_API_KEY: "env-key" };
    expect(
      resolveModelConfig({ baseUrl: "http://flag/v1", model: "flag-model", apiKey: "flag-key" }, env),
    ).toEqual({
      provider: "openai-compatible",
      baseURL: "http://flag/v1",
      model: "flag-model",
      apiKey: "flag-key",
    });
  });

  it("prefers a base URL over a DashScope key", () => {
    const env = { SKEIN_BASE_URL: "http://local/v1", SKEIN_MODEL: "m", DASHSCOPE_API_KEY: "ds" };
    expect(resolveModelConfig({}, env).provider).toBe("openai-compatible");
  });

  it("uses Qwen with DASHSCOPE_API_KEY, the default model and the region", () => {
    expect(resolveModelConfig({}, { DASHSCOPE_API_KEY: "ds", DASHSCOPE_REGION: "beijing" })).toEqual({
      provider: "qwen",
      model: DEFAULT_QWEN_MODEL,
      apiKey: "ds",
      region: "beijing",
    });
    expect(
      resolveModelConfig(
        { model: "qwen3-max", region: "singapore", reasoning: false },
        { DASHSCOPE_API_KEY: "ds" },
      ),
    ).toEqual({
      provider: "qwen",
      model: "qwen3-max",
      apiKey: "ds",
      region: "singapore",
      thinking: false,
    });
  });

  it("does not send SKEIN_API_KEY to DashScope", () => {
    expect(() => resolveModelConfig({}, { SKEIN_API_KEY: "sk", SKEIN_MODEL: "m" })).toThrow(
      ModelNotConfiguredError,
    );
  });

  it("names every variable when nothing is configured", () => {
    let caught: unknown;
    try {
      resolveModelConfig({}, { SKEIN_MODEL: " " });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ModelNotConfiguredError);
    expect((caught as ModelNotConfiguredError).code).toBe("model_not_configured");
    for (const name of ["SKEIN_MODEL", "SKEIN_BASE_URL", "SKEIN_API_KEY", "DASHSCOPE_API_KEY"]) {
      expect((caught as Error).message).toContain(name);
    }
  });

  it("asks for a model name when only a base URL is set", () => {
    expect(() => resolveModelConfig({ baseUrl: "http://x/v1" }, {})).toThrow(/SKEIN_MODEL or pass --model/);
  });
});

describe("resolveModel", () => {
  const agentModel: Model = {
    id: "agent-own",
    provider: "scripted",
    stream: () => (async function* () {})(),
  };

  it("keeps the agent's own model even when the environment names another", () => {
    const { calls, factories } = recordingFactories();
    const resolved = resolveModel({ flags: {}, env: { DASHSCOPE_API_KEY: "ds" }, agentModel }, factories);
    expect(resolved.model).toBe(agentModel);
    expect(resolved.source).toBe("agent");
    expect(calls).toEqual([]);
  });

  it("replaces the agent's model when --model or --base-url is given", () => {
    const { calls, factories } = recordingFactories();
    const byModel = resolveModel(
      { flags: { model: "qwen3-max" }, env: { DASHSCOPE_API_KEY: "ds" }, agentModel },
      factories,
    );
    expect(byModel.model.id).toBe("qwen3-max");
    const byUrl = resolveModel(
      { flags: { baseUrl: "http://127.0.0.1:1/v1" }, env: { SKEIN_MODEL: "local" }, agentModel },
      factories,
    );
    expect(byUrl.model.provider).toBe("openai-compatible");
    expect(calls.map((c) => c.factory)).toEqual(["qwen", "openaiCompatible"]);
  });

  it("throws when the agent has no model and nothing is configured", () => {
    const { factories } = recordingFactories();
    expect(() => resolveModel({ flags: {}, env: {} }, factories)).toThrow(ModelNotConfiguredError);
  });
});

describe("createModel with the real providers", () => {
  it("builds an OpenAI-compatible model and a Qwen model without any network call", () => {
    const local = createModel(
      { provider: "openai-compatible", baseURL: "http://127.0.0.1:1/v1", model: "local-model" },
      modelFactories,
    );
    expect([local.id, local.provider]).toEqual(["local-model", "openai-compatible"]);
    const cloud = createModel(
      { provider: "qwen", model: "qwen-plus", apiKey: "ds", region: "singapore" },
      modelFactories,
    );
    expect([cloud.id, cloud.provider]).toEqual(["qwen-plus", "dashscope"]);
  });

  it("reports an unknown Qwen region as a configuration error", () => {
    expect(() =>
      createModel({ provider: "qwen", model: "qwen-plus", apiKey: "ds", region: "mars" }, modelFactories),
    ).toThrow(ModelNotConfiguredError);
  });
});
