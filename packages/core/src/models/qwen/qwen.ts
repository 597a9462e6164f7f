import { ModelNotConfiguredError } from "../../errors/errors.ts";
import { type BatchingModel, eventBatches } from "../../model/event-batches.ts";
import type { Model, ModelEvent, ModelInfo, ModelRequest } from "../../model/model.ts";
import { type OpenAICompatibleTimeouts, openaiCompatible } from "../openai-compatible/openai-compatible.ts";
import { lookupModelInfo } from "./catalog.ts";
import { type QwenRegionName, qwenBaseURL, qwenRegions } from "./regions.ts";

export const DASHSCOPE_API_KEY_ENV = "DASHSCOPE_API_KEY";

export interface QwenOptions {
  /** e.g. `qwen3-max`, `qwen-plus`, `qwen3-coder-plus`, `qwen3-32b`. */
  model: string;
  /** Default `singapore` (International). API keys are per region. */
  region?: QwenRegionName;
  /** Selects the workspace-dedicated domain of the region (required for Frankfurt and Tokyo). */
  workspaceId?: string;
  /** Default: `process.env.DASHSCOPE_API_KEY`, read on each call. */
  apiKey?: string;
  /** Overrides the region's endpoint (proxies, tests). */
  baseURL?: string;
  /** `enable_thinking`; an object also sets `thinking_budget` (max reasoning tokens). Unset: the model's default. */
  thinking?: boolean | { budgetTokens: number };
  /** `enable_search`: let the model search the web. */
  search?: boolean;
  /** `parallel_tool_calls` when the request has tools and does not say (default true; DashScope's own is false). */
  parallelToolCalls?: boolean;
  /** Default: the catalog entry; its prices are International list prices, so other regions get no pricing. */
  info?: ModelInfo;
  timeouts?: OpenAICompatibleTimeouts;
  headers?: Record<string, string>;
  fetch?: typeof globalThis.fetch;
}

/** A Qwen model; says where its calls go. */
export interface QwenModel extends Model {
  readonly region: QwenRegionName;
  readonly baseURL: string;
}

/** Qwen on Alibaba Cloud Model Studio (DashScope), OpenAI-compatible mode. */
export function qwen(options: QwenOptions): QwenModel {
  const region = options.region ?? "singapore";
  if (!(region in qwenRegions)) {
    throw new ModelNotConfiguredError(
      `Unknown Qwen region "${region}"; expected one of ${Object.keys(qwenRegions).join(", ")}`,
    );
  }
  const baseURL = options.baseURL ?? qwenBaseURL(region, options.workspaceId);
  if (!baseURL) {
    throw new ModelNotConfiguredError(
      `Model Studio region "${region}" is reached through a workspace-dedicated domain: pass workspaceId (or baseURL)`,
    );
  }

  const body: Record<string, unknown> = {};
  if (options.thinking !== undefined) {
    body.enable_thinking = options.thinking !== false;
    if (typeof options.thinking === "object") body.thinking_budget = options.thinking.budgetTokens;
  }
  if (options.search !== undefined) body.enable_search = options.search;

  const info = options.info ?? catalogInfo(options.model, qwenRegions[region].internationalPricing);
  const apiKey = () => options.apiKey ?? process.env[DASHSCOPE_API_KEY_ENV];
  const inner = openaiCompatible({
    baseURL,
    apiKey,
    model: options.model,
    provider: "dashscope",
    headers: options.headers,
    info,
    timeouts: options.timeouts,
    fetch: options.fetch,
    body,
  }) as BatchingModel; // the adapter also hands out its events in batches
  const parallelToolCalls = options.parallelToolCalls ?? true;

  /** Checked when the turn starts (not when `stream` is called), like any failure of the turn. */
  const prepare = (request: ModelRequest): ModelRequest => {
    if (!apiKey()) {
      throw new ModelNotConfiguredError(
        `No Model Studio API key: set ${DASHSCOPE_API_KEY_ENV} (a key of the ${qwenRegions[region].name} region) or pass apiKey to qwen()`,
      );
    }
    return request.parallelToolCalls === undefined && request.tools && request.tools.length > 0
      ? { ...request, parallelToolCalls }
      : request;
  };

  const model: QwenModel & BatchingModel = {
    id: inner.id,
    provider: inner.provider,
    info: inner.info,
    region,
    baseURL,
    async *stream(request: ModelRequest, signal?: AbortSignal): AsyncGenerator<ModelEvent> {
      yield* inner.stream(prepare(request), signal);
    },
    async *[eventBatches](request: ModelRequest, signal?: AbortSignal): AsyncGenerator<ModelEvent[]> {
      yield* inner[eventBatches](prepare(request), signal);
    },
  };
  return model;
}

function catalogInfo(model: string, withPricing: boolean): ModelInfo | undefined {
  const entry = lookupModelInfo(model);
  if (!entry) return undefined;
  const info: ModelInfo = { contextWindow: entry.contextWindow, maxOutputTokens: entry.maxOutputTokens };
  if (withPricing && entry.pricing) info.pricing = entry.pricing;
  return info;
}
