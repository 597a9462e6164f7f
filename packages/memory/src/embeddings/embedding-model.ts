/**
 * The one contract every embedding provider implements. Kept apart from `Model` (chat): an agent's chat model
 * and its memory's embedding model are chosen independently.
 */
export interface EmbeddingModel {
  /** The provider's model name, e.g. `text-embedding-v4`. Stores record it: vectors of two models never mix. */
  readonly id: string;
  /** e.g. `dashscope`, `openai-compatible`, `hashed-bag-of-words-double`. */
  readonly provider: string;
  /** The size of every vector `embed` returns. */
  readonly dimensions: number;
  /**
   * One vector per text, in order. Splits long lists into the provider's batch size itself. Throws a
   * `ModelError` subclass on failure (auth, rate limit, timeout, invalid response); honours `signal`.
   */
  embed(texts: string[], signal?: AbortSignal): Promise<number[][]>;
}
