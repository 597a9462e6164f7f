import type { ErrorInfo } from "@skein/core";
import type { MemoryFilter, MemoryRecord } from "../store/types.ts";

export type SearchMode = "bm25" | "vector" | "hybrid";

export interface MemorySearchQuery extends MemoryFilter {
  /** Plain user text (never parsed as query syntax). */
  text: string;
  /** Default 10. */
  limit?: number;
  /** `auto` (default): hybrid when an embedding model is configured, BM25 otherwise. */
  mode?: SearchMode | "auto";
  /** Vector hits farther than this cosine distance are dropped (default: none dropped). */
  maxDistance?: number;
  /**
   * When embedding the query fails: `throw` (default), or answer with BM25 alone and report the error in
   * `embeddingError`. The memory plugin uses `bm25` so a provider outage never fails a run.
   */
  onEmbeddingError?: "throw" | "bm25";
}

export interface MemorySearchHit {
  record: MemoryRecord;
  /** Fused score (hybrid: RRF; bm25: -bm25, higher is better; vector: 1 - distance). */
  score: number;
  bm25Rank?: number;
  vectorRank?: number;
  /** Cosine distance to the query, when the vector index found the record. */
  distance?: number;
}

export interface MemorySearchResult {
  /** How the hits were found: `bm25` when no embedding model is configured (or it failed, see `embeddingError`). */
  mode: SearchMode;
  hits: MemorySearchHit[];
  embeddingError?: ErrorInfo;
}
