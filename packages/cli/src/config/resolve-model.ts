import { type Model, ModelNotConfiguredError, modelFactories } from "../core-imports.ts";

/**
 * Default Qwen model when only DASHSCOPE_API_KEY is set: qwen-plus balances quality, speed and price and supports
 * tool calling and hybrid thinking (see the Qwen catalog in @skein/core); qwen3-max is the stronger, dearer pick.
 */
export const DEFAULT_QWEN_MODEL = "qwen-plus";

/** The environment variables model resolution reads, named in every "not configured" message. */
export const MODEL_ENV_VARS = [
  "SKEIN_MODEL",
  "SKEIN_BASE_URL",
  "SKEIN_API_KEY",
  "DASHSCOPE_API_KEY",
  "DASHSCOPE_REGION",
] as const;

export interface ModelFlags {
  model?: string;
  baseUrl?: string;
  apiKey?: string;
  region?: string;
  /** `false` (`--no-reasoning`) also asks Qwen not to think; other providers have no common switch. */
  reasoning?: boolean;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** What to build, decided from flags and environment only (no network, no secrets printed). */
export type ModelConfig =
  | { provider: "openai-compatible"; baseURL: string; model: string; apiKey?: string }
  | { provider: "qwen"; model: string; apiKey: string; region?: string; thinking?: false };

export interface ModelFactories {
  openaiCompatible(options: { baseURL: string; model: string; apiKey?: string }): Model;
  qwen(options: { model: string; apiKey: string; region?: string; thinking?: false }): Model;
}

const nonEmpty = (value: string | undefined): string | undefined => {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
};

export const NOT_CONFIGURED_MESSAGE = [
  "No model configured. Either:",
  "  - any OpenAI-compatible server: set SKEIN_BASE_URL and SKEIN_MODEL (and SKEIN_API_KEY if it needs one),",
  "    or pass --base-url, --model and --api-key;",
  "  - Qwen on Alibaba Cloud Model Studio: set DASHSCOPE_API_KEY (optionally DASHSCOPE_REGION, and SKEIN_MODEL",
  `    to change the default ${DEFAULT_QWEN_MODEL}).`,
].join("\n");

/**
 * Flags win over the environment. A base URL selects the OpenAI-compatible provider (its key is --api-key or
 * SKEIN_API_KEY); otherwise a DashScope key (--api-key or DASHSCOPE_API_KEY) selects Qwen.
 * Throws `ModelNotConfiguredError` when neither is set.
 */
export function resolveModelConfig(flags: ModelFlags, env: Env): ModelConfig {
  const model = nonEmpty(flags.model) ?? nonEmpty(env.SKEIN_MODEL);
  const baseURL = nonEmpty(flags.baseUrl) ?? nonEmpty(env.SKEIN_BASE_URL);
  if (baseURL) {
    if (!model) {
      throw new ModelNotConfiguredError(
        `A base URL (${baseURL}) is set but no model name: set SKEIN_MODEL or pass --model.`,
      );
    }
    const apiKey = nonEmpty(flags.apiKey) ?? nonEmpty(env.SKEIN_API_KEY);
    return { provider: "openai-compatible", baseURL, model, ...(apiKey ? { apiKey } : {}) };
  }
  const apiKey = nonEmpty(flags.apiKey) ?? nonEmpty(env.DASHSCOPE_API_KEY);
  if (apiKey) {
    const region = nonEmpty(flags.region) ?? nonEmpty(env.DASHSCOPE_REGION);
    return {
      provider: "qwen",
      model: model ?? DEFAULT_QWEN_MODEL,
      apiKey,
      ...(region ? { region } : {}),
      ...(flags.reasoning === false ? { thinking: false as const } : {}),
    };
  }
  throw new ModelNotConfiguredError(NOT_CONFIGURED_MESSAGE);
}

/** Builds the configured model; `factories` defaults to the real providers (tests pass recording ones). */
export function createModel(config: ModelConfig, factories: ModelFactories = modelFactories): Model {
  if (config.provider === "openai-compatible") {
    return factories.openaiCompatible({
      baseURL: config.baseURL,
      model: config.model,
      apiKey: config.apiKey,
    });
  }
  const { provider: _, ...options } = config;
  return factories.qwen(options);
}

export interface ResolvedModel {
  model: Model;
  /** `agent` when the agent's own model was kept. */
  source: "agent" | "flags-or-env";
  config?: ModelConfig;
}

/**
 * The model a run uses: the agent's own model unless --model or --base-url is given, else the one configured by
 * flags and environment. Throws `ModelNotConfiguredError` when there is none.
 */
export function resolveModel(
  options: { flags: ModelFlags; env: Env; agentModel?: Model },
  factories: ModelFactories = modelFactories,
): ResolvedModel {
  const overridden =
    nonEmpty(options.flags.model) !== undefined || nonEmpty(options.flags.baseUrl) !== undefined;
  if (options.agentModel && !overridden) return { model: options.agentModel, source: "agent" };
  const config = resolveModelConfig(options.flags, options.env);
  return { model: createModel(config, factories), source: "flags-or-env", config };
}

/** "qwen-plus (dashscope)" — for banners and logs; never includes the key. */
export const describeModel = (model: Model): string => `${model.id} (${model.provider})`;
