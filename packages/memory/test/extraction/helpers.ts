import type { Message, Model, ModelEvent, ModelRequest } from "@skein/core";
import { type ScriptStep, scriptedModel } from "@skein/core/testing";
import { Memory, vectorIndexFor } from "../../src/memory/memory.ts";
import { openSqliteMemoryStore, type SqliteMemoryStore } from "../../src/sqlite/sqlite-memory-store.ts";
import { actorNamespace } from "../../src/store/namespace.ts";
import { hashedEmbedder } from "../../src/testing/hashed-embedder.ts";

export const TENANT = "acme";
export const ROOT = actorNamespace(TENANT, "u1");
export const SCOPE = { tenantId: TENANT, namespace: ROOT, sessionId: "s1" };

export function makeMemory(): { store: SqliteMemoryStore; memory: Memory } {
  const embedder = hashedEmbedder({ dimensions: 128 });
  const store = openSqliteMemoryStore({ path: ":memory:", vectors: vectorIndexFor(embedder) });
  return { store, memory: new Memory({ store, embedder }) };
}

export const conversation: Message[] = [
  { role: "user", content: "Hi! I just moved to Porto with my beagle Biscuit." },
  { role: "assistant", content: "Welcome to Porto! How is Biscuit settling in?" },
  { role: "user", content: "Great. Please keep answers short <b>and</b> skip the small talk." },
  { role: "assistant", content: "Noted." },
];

/** A scripted extraction answer. */
export const memories = (...texts: string[]): ScriptStep => ({
  text: JSON.stringify({ memories: texts.map((text) => ({ text })) }),
});

/** A scripted consolidation answer naming the existing record whose text contains `needle`. */
export const decide =
  (action: string, needle: string, text?: string): ScriptStep =>
  (request: ModelRequest) => {
    const content = request.messages[0]!.content;
    const alias = new RegExp(`<memory id="(m\\d+)"[^>]*>[^<]*${needle}`).exec(content)?.[1];
    return { text: JSON.stringify({ action, target: alias ?? "missing", ...(text ? { text } : {}) }) };
  };

export { scriptedModel };

/**
 * TEST DOUBLE at the model boundary: a scripted model whose calls wait at a gate until `release()`, so a test can
 * observe jobs while they run. `entered` resolves when the first call reaches the gate.
 */
export function gatedModel(
  script: ScriptStep[],
): Model & { release(): void; entered: Promise<void>; calls: number } {
  const inner = scriptedModel(script);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let entered!: () => void;
  const enteredPromise = new Promise<void>((resolve) => {
    entered = resolve;
  });
  const model = {
    id: "gated",
    provider: "scripted",
    calls: 0,
    entered: enteredPromise,
    release,
    async *stream(request: ModelRequest, signal?: AbortSignal): AsyncGenerator<ModelEvent> {
      model.calls++;
      entered();
      await new Promise<void>((resolve, reject) => {
        gate.then(resolve);
        signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
      });
      yield* inner.stream(request, signal);
    },
  };
  return model;
}
