import {
  DASHSCOPE_API_KEY_ENV,
  ModelNotConfiguredError,
  type QwenRegionName,
  qwenBaseURL,
  qwenRegions,
  SkeinError,
} from "@skein/core";
import type { EmbeddingModel } from "./embedding-model.ts";
import { openaiCompatibleEmbeddings } from "./openai-compatible-embeddings.ts";

export interface DashScopeEmbeddingEntry {
  /** Sizes the model can return; the first listed default is used when none is asked for. */
  dimensions: readonly number[];
  defaultDimensions: number;
  /** Whether the request may carry `dimensions` (v1/v2 have one fixed size). */
  configurableDimensions: boolean;
  /** Texts per request. */
  batchSize: number;
  /** Tokens per text. */
  maxInputTokens: number;
}

/**
 * Model Studio text embeddings, as documented in "Synchronous API details" and "OpenAI compatible - Embedding"
 * (https://www.alibabacloud.com/help/en/model-studio/text-embedding-synchronous-api): v4 is the Qwen3-Embedding
 * series; v3 and v4 take up to 10 texts of 8,192 tokens per request, v1 and v2 up to 25 of 2,048.
 */
export const dashscopeEmbeddingCatalog = {
  "text-embedding-v4": {
    dimensions: [2048, 1536, 1024, 768, 512, 256, 128, 64],
    defaultDimensions: 1024,
    configurableDimensions: true,
    batchSize: 10,
    maxInputTokens: 8192,
  },
  "text-embedding-v3": {
    dimensions: [1024, 768, 512, 256, 128, 64],
    defaultDimensions: 1024,
    configurableDimensions: true,
    batchSize: 10,
    maxInputTokens: 8192,
  },
  "text-embedding-v2": {
    dimensions: [1536],
    defaultDimensions: 1536,
    configurableDimensions: false,
    batchSize: 25,
    maxInputTokens: 2048,
  },
  "text-embedding-v1": {
    dimensions: [1536],
    defaultDimensions: 1536,
    configurableDimensions: false,
    batchSize: 25,
    maxInputTokens: 2048,
  },
} as const satisfies Record<string, DashScopeEmbeddingEntry>;

export type DashScopeEmbeddingModelId = keyof typeof dashscopeEmbeddingCatalog;

export interface DashScopeEmbeddingsOptions {
  /** Default `text-embedding-v4`. A model not in the catalog needs `dimensions`. */
  model?: DashScopeEmbeddingModelId | (string & {});
  /** Default: the model's default (1024 for v3/v4). */
  dimensions?: number;
  /** Default `singapore` (International). API keys are per region. */
  region?: QwenRegionName;
  workspaceId?: string;
  /** Default: `process.env.DASHSCOPE_API_KEY`, read on each call. */
  apiKey?: string;
  /** Overrides the region's endpoint (proxies, tests); `/embeddings` is appended. */
  baseURL?: string;
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

/** DashScope (Model Studio) text embeddings over the OpenAI-compatible `/compatible-mode/v1/embeddings`. */
export function dashscopeEmbeddings(options: DashScopeEmbeddingsOptions = {}): EmbeddingModel {
  const model = options.model ?? "text-embedding-v4";
  const entry: DashScopeEmbeddingEntry | undefined =
    dashscopeEmbeddingCatalog[model as DashScopeEmbeddingModelId];
  const dimensions = options.dimensions ?? entry?.defaultDimensions;
  if (dimensions === undefined)
    throw new SkeinError(
      "invalid_embedding_dimensions",
      `Pass \`dimensions\` for ${model} (not in the catalog)`,
    );
  if (entry && !entry.dimensions.includes(dimensions))
    throw new SkeinError(
      "invalid_embedding_dimensions",
      `${model} returns ${entry.dimensions.join(", ")} dimensions, not ${dimensions}`,
    );
  const region = options.region ?? "singapore";
  if (!(region in qwenRegions)) throw new ModelNotConfiguredError(`Unknown Model Studio region "${region}"`);
  const baseURL = options.baseURL ?? qwenBaseURL(region, options.workspaceId);
  if (!baseURL)
    throw new ModelNotConfiguredError(
      `Model Studio region "${region}" is reached through a workspace-dedicated domain: pass workspaceId (or baseURL)`,
    );
  const apiKey = () => options.apiKey ?? process.env[DASHSCOPE_API_KEY_ENV];
  const inner = openaiCompatibleEmbeddings({
    baseURL,
    model,
    dimensions,
    sendDimensions: entry?.configurableDimensions ?? true,
    batchSize: entry?.batchSize ?? 10,
    apiKey,
    provider: "dashscope",
    timeoutMs: options.timeoutMs,
    fetch: options.fetch,
  });
  return {
    id: model,
    provider: "dashscope",
    dimensions,
    async embed(texts, signal) {
      if (!apiKey())
        throw new ModelNotConfiguredError(
          `No Model Studio API key: set ${DASHSCOPE_API_KEY_ENV} (a key of the ${qwenRegions[region].name} region) or pass apiKey`,
        );
      return inner.embed(texts, signal);
    },
  };
}
