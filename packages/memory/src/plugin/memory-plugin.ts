import { type AnyTool, estimateTokens, type Message, type Plugin, type ToolLogger } from "@skein/core";
import type { EmbeddingModel } from "../embeddings/embedding-model.ts";
import type { MemoryExtractor } from "../extraction/extractor.ts";
import { Memory } from "../memory/memory.ts";
import type { SearchMode } from "../retrieval/types.ts";
import type { MemoryStore } from "../store/store.ts";
import type { MemoryKind, MemoryRecord } from "../store/types.ts";
import {
  type MemoryRunContext,
  type MemoryScopeOptions,
  type ResolvedScope,
  resolveScope,
} from "./context.ts";
import { renderMemoryBlock } from "./memory-block.ts";
import { memoryTools } from "./memory-tools.ts";

export interface MemoryPluginOptions extends MemoryScopeOptions {
  store: MemoryStore;
  /** Without one, retrieval is BM25 only. */
  embedder?: EmbeddingModel;
  /** Tokens the memory block may take in the system prompt, header included (default 800). */
  budgetTokens?: number;
  /** Records considered per turn before the budget cuts (default 20). */
  maxRecords?: number;
  kinds?: MemoryKind[];
  /** Vector hits farther than this cosine distance are left out. */
  maxDistance?: number;
  /** Default: core's `estimateTokens`. */
  countTokens?: (text: string) => number;
  /** Retrieval slower than this is given up for the turn; the run goes on without memory (default 5 s). */
  retrievalTimeoutMs?: number;
  /** Queues extraction after each run of a session (in the background). */
  extractor?: MemoryExtractor;
  /** Called after each retrieval, for tracing. */
  onRetrieval?: (info: MemoryRetrieval) => void;
  logger?: ToolLogger;
}

export interface MemoryRetrieval {
  runId: string;
  query: string;
  mode: SearchMode;
  records: MemoryRecord[];
  tokens: number;
  error?: string;
}

export interface MemoryPlugin extends Plugin {
  /** `remember`, `recall`, `forget`, bound to the same store and scope; the agent loop adds them to every run. */
  tools: AnyTool[];
  memory: Memory;
}

interface RunState {
  ctx: MemoryRunContext;
  scope?: Promise<ResolvedScope>;
  /** The block built for the latest user message, reused by every model call of the turn. */
  cached?: { query: string; block: string | undefined };
}

const latestUserText = (messages: readonly Message[]): string | undefined => {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (message.role === "user") return message.content;
  }
  return undefined;
};

/**
 * Long-term memory for an agent. Before each model call it retrieves the records relevant to the latest user turn
 * (hybrid, or BM25 without an embedder) and appends them to the system prompt in a delimited `<memory>` block
 * whose record text is escaped, within a token budget. After each run of a session it hands the history to the
 * extractor (when given), off the run's critical path. Retrieval failures never fail a run.
 */
export function memoryPlugin(options: MemoryPluginOptions): MemoryPlugin {
  const memory = new Memory({ store: options.store, embedder: options.embedder });
  const runs = new Map<string, RunState>();
  const budget = options.budgetTokens ?? 800;
  const countTokens = options.countTokens ?? estimateTokens;

  const scopeOf = (state: RunState): Promise<ResolvedScope> => {
    state.scope ??= resolveScope(options, state.ctx);
    return state.scope;
  };

  async function buildBlock(state: RunState, query: string): Promise<string | undefined> {
    const signal = AbortSignal.timeout(options.retrievalTimeoutMs ?? 5000);
    let info: MemoryRetrieval = { runId: state.ctx.runId, query, mode: "bm25", records: [], tokens: 0 };
    try {
      const scope = await scopeOf(state);
      const result = await memory.search(
        scope.tenantId,
        {
          text: query,
          limit: options.maxRecords ?? 20,
          namespacePrefix: scope.namespace,
          kinds: options.kinds,
          maxDistance: options.maxDistance,
          onEmbeddingError: "bm25",
        },
        signal,
      );
      const block = renderMemoryBlock(
        result.hits.map((h) => h.record),
        budget,
        countTokens,
      );
      info = { ...info, mode: result.mode, records: block?.included ?? [], tokens: block?.tokens ?? 0 };
      if (result.embeddingError) info.error = result.embeddingError.message;
      return block?.text;
    } catch (error) {
      info.error = error instanceof Error ? error.message : String(error);
      options.logger?.warn("memory retrieval failed; the turn goes on without memory", { error: info.error });
      return undefined;
    } finally {
      options.onRetrieval?.(info);
    }
  }

  return {
    name: "memory",
    memory,
    tools: memoryTools({ memory, namespace: options.namespace, tenantId: options.tenantId }),
    hooks: {
      "run-start": (event) => {
        runs.set(event.runId, {
          ctx: { runId: event.runId, sessionId: event.sessionId, agent: event.agent },
        });
      },
      "before-model-call": async (event) => {
        const state = runs.get(event.runId);
        if (!state) return;
        const query = latestUserText(event.request.messages);
        if (query === undefined || query.trim() === "") return;
        if (state.cached?.query !== query) state.cached = { query, block: await buildBlock(state, query) };
        const block = state.cached.block;
        if (!block) return;
        event.request = {
          ...event.request,
          system: event.request.system ? `${event.request.system}\n\n${block}` : block,
        };
      },
      "run-end": (event) => {
        const state = runs.get(event.runId);
        runs.delete(event.runId);
        const extractor = options.extractor;
        if (!extractor || !state?.ctx.sessionId || event.stopReason === "cancelled") return;
        // Deferred past this hook: even queueing the job stays off the run's critical path.
        setImmediate(() => {
          scopeOf(state)
            .then((scope) => extractor.onTurn(scope, event.messages, { runId: event.runId }))
            .catch((error: unknown) =>
              options.logger?.warn("memory extraction could not be queued", { error: String(error) }),
            );
        });
      },
    },
  };
}
