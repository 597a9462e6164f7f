import { type ErrorInfo, SkeinError } from "@skein/core";
import type { EmbeddingModel } from "../embeddings/embedding-model.ts";
import { reciprocalRankFusion } from "../retrieval/rrf.ts";
import type { MemorySearchHit, MemorySearchQuery, MemorySearchResult } from "../retrieval/types.ts";
import { VectorDimensionError, VectorIndexMissingError } from "../store/errors.ts";
import type { MemoryStore, VectorIndexInfo } from "../store/store.ts";
import type {
  MemoryChange,
  MemoryListQuery,
  MemoryPage,
  MemoryPatch,
  MemoryRecord,
  MemoryWriteOp,
  MemoryWriteResult,
  NewMemoryRecord,
  RankedHit,
} from "../store/types.ts";

export interface MemoryOptions {
  store: MemoryStore;
  /** Without one, search is BM25 only (and says so); records are written without vectors. */
  embedder?: EmbeddingModel;
}

/** The vector index a store needs for `embedder`: pass it as `openSqliteMemoryStore({ vectors })`. */
export const vectorIndexFor = (embedder: EmbeddingModel): VectorIndexInfo => ({
  dimensions: embedder.dimensions,
  model: embedder.id,
});

const errorInfo = (error: unknown): ErrorInfo =>
  error instanceof SkeinError
    ? { code: error.code, message: error.message }
    : { code: "embedding_failed", message: error instanceof Error ? error.message : String(error) };

/**
 * Long-term memory over a store and an optional embedding model: embeds what it writes, searches by BM25, vector
 * or both fused by reciprocal rank. What SDK users, the memory plugin, extraction jobs and the runtime's
 * `/v1/memory` routes call.
 */
export class Memory {
  readonly store: MemoryStore;
  readonly embedder: EmbeddingModel | undefined;

  constructor(options: MemoryOptions) {
    this.store = options.store;
    this.embedder = options.embedder;
    const index = options.store.vectorIndex;
    if (options.embedder) {
      if (!index) throw new VectorIndexMissingError();
      if (index.dimensions !== options.embedder.dimensions || index.model !== options.embedder.id)
        throw new VectorDimensionError(
          `The store's vectors are ${index.dimensions}-dimensional from ${index.model}; the embedding model is ` +
            `${options.embedder.id} with ${options.embedder.dimensions}`,
        );
    }
  }

  /** Embeds the texts the ops write (one batched call), then applies them atomically. */
  async write(
    tenantId: string,
    ops: MemoryWriteOp[],
    options: { signal?: AbortSignal; jobId?: string } = {},
  ): Promise<MemoryWriteResult> {
    let prepared = ops;
    if (this.embedder) {
      const texts: string[] = [];
      const slots: number[] = [];
      ops.forEach((op, i) => {
        const text = op.op === "update" ? op.patch.text : op.op === "retire" ? undefined : op.record.text;
        if (text !== undefined && !("embedding" in op && op.embedding)) {
          texts.push(text);
          slots.push(i);
        }
      });
      if (texts.length > 0) {
        const vectors = await this.embedder.embed(texts, options.signal);
        prepared = ops.map((op) => ({ ...op }));
        slots.forEach((slot, j) => {
          (prepared[slot] as { embedding?: number[] }).embedding = vectors[j];
        });
      }
    }
    options.signal?.throwIfAborted();
    return this.store.apply(tenantId, prepared, { jobId: options.jobId });
  }

  async remember(tenantId: string, record: NewMemoryRecord, signal?: AbortSignal): Promise<MemoryRecord> {
    const result = await this.write(tenantId, [{ op: "create", record }], { signal });
    return result.created[0]!;
  }

  async update(
    tenantId: string,
    id: string,
    patch: MemoryPatch,
    options: { reason?: string; signal?: AbortSignal } = {},
  ): Promise<MemoryRecord> {
    const result = await this.write(tenantId, [{ op: "update", id, patch, reason: options.reason }], options);
    return result.updated[0]!;
  }

  get(tenantId: string, id: string): Promise<MemoryRecord | undefined> {
    return this.store.get(tenantId, id);
  }
  list(tenantId: string, query?: MemoryListQuery): Promise<MemoryPage> {
    return this.store.list(tenantId, query);
  }
  history(tenantId: string, id: string): Promise<MemoryChange[]> {
    return this.store.history(tenantId, id);
  }
  /** Deletes the record and its older versions from every index. */
  forget(tenantId: string, id: string): Promise<number> {
    return this.store.deleteRecord(tenantId, id);
  }
  /** Deletes everything under a namespace prefix (an actor's whole memory). */
  forgetNamespace(tenantId: string, namespacePrefix: string): Promise<number> {
    return this.store.deleteNamespace(tenantId, namespacePrefix);
  }

  async search(
    tenantId: string,
    query: MemorySearchQuery,
    signal?: AbortSignal,
  ): Promise<MemorySearchResult> {
    const { text, limit: asked, mode: askedMode = "auto", maxDistance, onEmbeddingError, ...filter } = query;
    const limit = Math.min(Math.max(Math.floor(asked ?? 10), 1), 100);
    const mode = askedMode === "auto" ? (this.embedder ? "hybrid" : "bm25") : askedMode;
    if (mode !== "bm25" && !this.embedder)
      throw new SkeinError("embedding_not_configured", `Search mode ${mode} needs an embedding model`);
    const candidates = Math.max(limit * 4, 20);

    let vectorHits: RankedHit[] | undefined;
    let embeddingError: ErrorInfo | undefined;
    if (mode !== "bm25" && text.trim() !== "") {
      try {
        const [vector] = await this.embedder!.embed([text], signal);
        vectorHits = await this.store.searchVector(tenantId, vector!, filter, candidates);
        if (maxDistance !== undefined) vectorHits = vectorHits.filter((hit) => hit.score <= maxDistance);
      } catch (error) {
        if (signal?.aborted || onEmbeddingError !== "bm25") throw error;
        embeddingError = errorInfo(error);
      }
    }
    if (mode === "vector" && vectorHits) {
      return {
        mode,
        hits: vectorHits.slice(0, limit).map((hit) => ({
          record: hit.record,
          score: 1 - hit.score,
          vectorRank: hit.rank,
          distance: hit.score,
        })),
      };
    }
    const textHits = await this.store.searchText(tenantId, text, filter, vectorHits ? candidates : limit);
    if (!vectorHits) {
      const hits: MemorySearchHit[] = textHits.map((hit) => ({
        record: hit.record,
        score: -hit.score,
        bm25Rank: hit.rank,
      }));
      return embeddingError ? { mode: "bm25", hits, embeddingError } : { mode: "bm25", hits };
    }
    const fused = reciprocalRankFusion([textHits, vectorHits]).slice(0, limit);
    return {
      mode: "hybrid",
      hits: fused.map((hit) => {
        const out: MemorySearchHit = { record: hit.record, score: hit.score };
        if (hit.ranks[0] !== undefined) out.bm25Rank = hit.ranks[0];
        if (hit.ranks[1] !== undefined) {
          out.vectorRank = hit.ranks[1];
          out.distance = hit.scores[1];
        }
        return out;
      }),
    };
  }
}
