import { ModelError, ModelNetworkError, ModelResponseError, ModelTimeoutError } from "@skein/core";
import type { EmbeddingModel } from "./embedding-model.ts";
import { embeddingHttpError } from "./http-errors.ts";

export interface OpenAICompatibleEmbeddingsOptions {
  /** e.g. `http://localhost:8000/v1` (vLLM) or `http://localhost:11434/v1` (Ollama); `/embeddings` is appended. */
  baseURL: string;
  model: string;
  /** The size of the vectors the model returns (checked on every response). */
  dimensions: number;
  /**
   * Send `dimensions` in the request (models with Matryoshka truncation: text-embedding-3, Qwen3-Embedding,
   * text-embedding-v3/v4). Off by default: vLLM rejects it for models that cannot truncate.
   */
  sendDimensions?: boolean;
  /** Texts per request (default 64). */
  batchSize?: number;
  /** Sent as `Authorization: Bearer`. A function is read on every call. */
  apiKey?: string | (() => string | undefined);
  /** Reported as `provider` and on errors (default `openai-compatible`). */
  provider?: string;
  headers?: Record<string, string>;
  /** Deadline for one request (default 30 s). */
  timeoutMs?: number;
  /** Extra body fields (e.g. `{ user: "..." }`). */
  body?: Record<string, unknown>;
  fetch?: typeof globalThis.fetch;
}

interface EmbeddingsResponse {
  object?: unknown;
  data?: { index?: unknown; embedding?: unknown }[];
}

/** Reads `data[].embedding` back into input order, checking every index is present once with the right size. */
function vectorsFromResponse(
  body: EmbeddingsResponse,
  count: number,
  dimensions: number,
  provider: string,
): number[][] {
  if (!body || !Array.isArray(body.data))
    throw new ModelResponseError("The embeddings response has no `data` array", { provider });
  if (body.data.length !== count)
    throw new ModelResponseError(`Asked for ${count} embeddings, got ${body.data.length}`, { provider });
  const vectors: number[][] = new Array(count);
  for (const item of body.data) {
    const index = item?.index;
    if (
      typeof index !== "number" ||
      !Number.isInteger(index) ||
      index < 0 ||
      index >= count ||
      vectors[index]
    )
      throw new ModelResponseError(`Invalid or repeated embedding index ${String(index)}`, { provider });
    const embedding = item.embedding;
    if (!Array.isArray(embedding) || !embedding.every((v) => typeof v === "number" && Number.isFinite(v)))
      throw new ModelResponseError("An embedding is not a list of numbers (ask for encoding_format float)", {
        provider,
      });
    if (embedding.length !== dimensions)
      throw new ModelResponseError(
        `Expected ${dimensions}-dimensional embeddings, got ${embedding.length}: set \`dimensions\` to the model's size`,
        { provider },
      );
    vectors[index] = embedding as number[];
  }
  return vectors;
}

/** An EmbeddingModel over any OpenAI-compatible `POST /embeddings` (OpenAI, vLLM, Ollama, DashScope). Never retries. */
export function openaiCompatibleEmbeddings(options: OpenAICompatibleEmbeddingsOptions): EmbeddingModel {
  const url = `${options.baseURL.replace(/\/+$/, "")}/embeddings`;
  const provider = options.provider ?? "openai-compatible";
  const batchSize = Math.max(1, options.batchSize ?? 64);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const fetchImpl = options.fetch ?? globalThis.fetch;

  async function embedBatch(texts: string[], signal?: AbortSignal): Promise<number[][]> {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: "application/json",
    };
    const key = typeof options.apiKey === "function" ? options.apiKey() : options.apiKey;
    if (key) headers.authorization = `Bearer ${key}`;
    const body: Record<string, unknown> = {
      ...options.body,
      model: options.model,
      input: texts,
      encoding_format: "float",
    };
    if (options.sendDimensions) body.dimensions = options.dimensions;
    const deadline = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
    try {
      const response = await fetchImpl(url, {
        method: "POST",
        headers: { ...headers, ...options.headers },
        body: JSON.stringify(body),
        signal: combined,
      });
      if (!response.ok) throw await embeddingHttpError(response, provider);
      let parsed: EmbeddingsResponse;
      try {
        parsed = (await response.json()) as EmbeddingsResponse;
      } catch (error) {
        if (combined.aborted) throw error;
        throw new ModelResponseError("The embeddings response is not JSON", { provider, cause: error });
      }
      return vectorsFromResponse(parsed, texts.length, options.dimensions, provider);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (deadline.aborted)
        throw new ModelTimeoutError(`No embeddings from ${url} within ${timeoutMs} ms`, {
          provider,
          cause: error,
        });
      if (error instanceof ModelError) throw error;
      const cause = (error as any)?.cause;
      const detail = cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
      throw new ModelNetworkError(`Connection to ${url} failed: ${detail}`, { provider, cause: error });
    }
  }

  return {
    id: options.model,
    provider,
    dimensions: options.dimensions,
    async embed(texts: string[], signal?: AbortSignal): Promise<number[][]> {
      signal?.throwIfAborted();
      const vectors: number[][] = [];
      for (let i = 0; i < texts.length; i += batchSize) {
        vectors.push(...(await embedBatch(texts.slice(i, i + batchSize), signal)));
      }
      return vectors;
    },
  };
}
