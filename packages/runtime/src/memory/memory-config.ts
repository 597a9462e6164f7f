import type { Model } from "@skein/core";
import {
  dashscopeEmbeddings,
  type EmbeddingModel,
  type ExtractionStrategy,
  episodic,
  type MemoryKind,
  type MemoryStore,
  openaiCompatibleEmbeddings,
  semanticFacts,
  sessionSummary,
  userPreferences,
} from "@skein/memory";
import { ConfigError } from "../config/config.ts";

/** The built-in extraction strategies by name (their prompts and modes are @skein/memory's). */
export const BUILT_IN_STRATEGIES = {
  semantic: semanticFacts,
  preferences: userPreferences,
  summary: sessionSummary,
  episodic,
} as const;
export type BuiltInStrategyName = keyof typeof BUILT_IN_STRATEGIES;

/** Long-term memory of one hosted agent. */
export interface AgentMemorySettings {
  /**
   * What extraction draws from its sessions: built-in strategy names, or strategies with their own model and
   * prompt (`semanticFacts({ prompt, model })`). Default: all four built-ins. `[]`: retrieval only, no extraction.
   */
  strategies?: (BuiltInStrategyName | ExtractionStrategy)[];
  /**
   * A sub-namespace of the actor's memory, e.g. `market` for `/tenants/{tenant}/actors/{actor}/market`. Default:
   * the actor's root, shared by the tenant's agents. Deleting an actor removes it either way.
   */
  namespace?: string;
  /** Tokens the memory block may take in the system prompt (default 800). */
  budgetTokens?: number;
  /** Extract after this many user turns of a session (default 4), and when the session expires. */
  extractEveryTurns?: number;
  /** The model extraction calls (default: the memory config's `extractionModel`, else the agent's model). */
  extractionModel?: Model;
  /** `model` (default): the extraction model decides duplicate/update/contradiction; `rule`: word match only. */
  consolidation?: "model" | "rule";
  /** Kinds retrieved into the prompt (default: all). */
  kinds?: MemoryKind[];
}

/** `memory` in `skein.config.ts`: mounts long-term memory and the `/v1/memory` API. */
export interface MemoryConfig {
  /** The agents that use memory, by name: `true` for the defaults. Others never see it. */
  agents?: Record<string, AgentMemorySettings | true>;
  /**
   * The embedding model. Default: from the environment (`embeddingsFromEnv`). `false`: none, search is BM25 only
   * (and the API's answers say `mode: "bm25"`).
   */
  embeddings?: EmbeddingModel | false;
  /** Default `<dataDir>/memory.db`; in memory when the server has no data directory (tests). */
  path?: string;
  /** Extraction model of every agent that names none (default: each agent's model). */
  extractionModel?: Model;
}

/** What `createApp` mounts: an open store, and the config. */
export interface MemoryMount extends Omit<MemoryConfig, "path" | "embeddings"> {
  store: MemoryStore;
  embeddings?: EmbeddingModel;
}

export const EMBEDDING_ENV = {
  model: "SKEIN_EMBEDDING_MODEL",
  baseURL: "SKEIN_EMBEDDING_BASE_URL",
  apiKey: "SKEIN_EMBEDDING_API_KEY",
  dimensions: "SKEIN_EMBEDDING_DIMENSIONS",
} as const;

/**
 * The embedding model the environment names: `SKEIN_EMBEDDING_BASE_URL` + `SKEIN_EMBEDDING_MODEL` +
 * `SKEIN_EMBEDDING_DIMENSIONS` (+ `SKEIN_EMBEDDING_API_KEY`) for an OpenAI-compatible `/v1/embeddings` (vLLM,
 * Ollama, OpenAI); else, with `DASHSCOPE_API_KEY`, DashScope's `SKEIN_EMBEDDING_MODEL` (default
 * text-embedding-v4). `SKEIN_EMBEDDING_MODEL=none`, or nothing set: undefined (BM25 only).
 */
export function embeddingsFromEnv(env: NodeJS.ProcessEnv = process.env): EmbeddingModel | undefined {
  const model = env[EMBEDDING_ENV.model]?.trim() || undefined;
  if (model === "none") return undefined;
  const baseURL = env[EMBEDDING_ENV.baseURL]?.trim() || undefined;
  if (baseURL) {
    const dimensions = Number(env[EMBEDDING_ENV.dimensions]);
    if (!model || !Number.isInteger(dimensions) || dimensions < 1)
      throw new ConfigError(
        "embedding_config_invalid",
        `${EMBEDDING_ENV.baseURL} needs ${EMBEDDING_ENV.model} and ${EMBEDDING_ENV.dimensions} (a positive integer)`,
      );
    const apiKey = env[EMBEDDING_ENV.apiKey];
    return openaiCompatibleEmbeddings({ baseURL, model, dimensions, apiKey });
  }
  if (env.DASHSCOPE_API_KEY) return dashscopeEmbeddings({ model: model ?? "text-embedding-v4" });
  return undefined;
}

/** The agent's strategies as configured (built-in names resolved); checks names are known and distinct. */
export function resolveStrategies(agent: string, settings: AgentMemorySettings): ExtractionStrategy[] {
  const list = settings.strategies ?? (Object.keys(BUILT_IN_STRATEGIES) as BuiltInStrategyName[]);
  return list.map((entry) => {
    if (typeof entry !== "string") return entry;
    const make = BUILT_IN_STRATEGIES[entry];
    if (!make)
      throw new ConfigError(
        "config_invalid",
        `memory of agent "${agent}": unknown strategy "${entry}" (built-in: ${Object.keys(BUILT_IN_STRATEGIES).join(", ")})`,
      );
    return make();
  });
}

const SEGMENT = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Checks a sub-namespace (`market`, `market/v2`): segments of letters, digits, `_ . : -`. */
export function checkSubNamespace(agent: string, namespace: string | undefined): string | undefined {
  if (namespace === undefined) return undefined;
  const trimmed = namespace.replace(/^\/+|\/+$/g, "");
  if (!trimmed.split("/").every((segment) => SEGMENT.test(segment)))
    throw new ConfigError(
      "config_invalid",
      `memory of agent "${agent}": namespace ${JSON.stringify(namespace)} must be segments of letters, digits, _ . : - separated by /`,
    );
  return trimmed;
}
