export {
  type DashScopeEmbeddingEntry,
  type DashScopeEmbeddingModelId,
  type DashScopeEmbeddingsOptions,
  dashscopeEmbeddingCatalog,
  dashscopeEmbeddings,
} from "./embeddings/dashscope-embeddings.ts";
export type { EmbeddingModel } from "./embeddings/embedding-model.ts";
export {
  type OpenAICompatibleEmbeddingsOptions,
  openaiCompatibleEmbeddings,
} from "./embeddings/openai-compatible-embeddings.ts";
export { EXTRACTION_FORMAT } from "./extraction/candidates.ts";
export {
  CONSOLIDATION_PROMPT,
  type ConsolidationDecision,
  type Consolidator,
  modelConsolidator,
  ruleConsolidator,
} from "./extraction/consolidate.ts";
export { ExtractionOutputError, ExtractionQueueError } from "./extraction/errors.ts";
export { MemoryExtractor, type MemoryExtractorOptions } from "./extraction/extractor.ts";
export { type ExtractionInput, type ExtractionScope, runExtractionJob } from "./extraction/run-extraction.ts";
export {
  type ConsolidationMode,
  defaultStrategies,
  EPISODIC_PROMPT,
  type ExtractionStrategy,
  episodic,
  PREFERENCES_PROMPT,
  SEMANTIC_FACTS_PROMPT,
  SESSION_SUMMARY_PROMPT,
  type StrategyOverrides,
  semanticFacts,
  sessionSummary,
  userPreferences,
} from "./extraction/strategies.ts";
export { Memory, type MemoryOptions, vectorIndexFor } from "./memory/memory.ts";
export type { MemoryRunContext, MemoryScopeOptions } from "./plugin/context.ts";
export { MEMORY_BLOCK_HEADER, renderMemoryBlock, renderRecordLine } from "./plugin/memory-block.ts";
export {
  type MemoryPlugin,
  type MemoryPluginOptions,
  type MemoryRetrieval,
  memoryPlugin,
} from "./plugin/memory-plugin.ts";
export { type MemoryToolsOptions, memoryTools } from "./plugin/memory-tools.ts";
export { type FusedHit, RRF_K, reciprocalRankFusion } from "./retrieval/rrf.ts";
export type {
  MemorySearchHit,
  MemorySearchQuery,
  MemorySearchResult,
  SearchMode,
} from "./retrieval/types.ts";
export type { AnnOptions } from "./sqlite/ann-index.ts";
export {
  openSqliteMemoryStore,
  SqliteMemoryStore,
  type SqliteMemoryStoreOptions,
} from "./sqlite/sqlite-memory-store.ts";
export type { TextSearchOptions } from "./sqlite/text-search.ts";
export {
  ExtractionJobNotFoundError,
  InvalidMemoryInputError,
  MemoryRecordNotFoundError,
  MemorySchemaTooNewError,
  VectorDimensionError,
  VectorIndexMissingError,
} from "./store/errors.ts";
export { actorNamespace, assertNamespace, kindNamespace } from "./store/namespace.ts";
export type { MemoryStore, VectorIndexInfo } from "./store/store.ts";
export type * from "./store/types.ts";
export { escapeAttribute, escapeBlockText } from "./text/escape.ts";
