export { type MakeMemoryStore, runMemoryStoreConformance } from "./conformance.ts";
export { type HashedEmbedderOptions, hashedEmbedder, hashedVector } from "./hashed-embedder.ts";
export {
  type MockEmbeddingsFailure,
  type MockEmbeddingsServer,
  type MockEmbeddingsServerOptions,
  type RecordedEmbeddingsRequest,
  startMockEmbeddingsServer,
} from "./mock-embeddings-server.ts";
