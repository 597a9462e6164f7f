import { randomUUID } from "node:crypto";
import { type ErrorInfo, type Message, type Model, SkeinError } from "@skein/core";
import type { Memory } from "../memory/memory.ts";
import { kindNamespace } from "../store/namespace.ts";
import type {
  ExtractionJob,
  ExtractionOutcome,
  MemoryRecord,
  MemoryWriteOp,
  Provenance,
} from "../store/types.ts";
import { EXTRACTION_FORMAT, parseCandidates } from "./candidates.ts";
import type { Consolidator } from "./consolidate.ts";
import { completeJson } from "./model-json.ts";
import type { ExtractionStrategy } from "./strategies.ts";
import { renderTranscript } from "./transcript.ts";

/** Whose memory a job writes: the tenant, the actor's root namespace, the session it reads. */
export interface ExtractionScope {
  tenantId: string;
  /** Root namespace (e.g. `actorNamespace(t, actor)`); each kind goes to its own segment under it. */
  namespace: string;
  sessionId?: string;
}

/** The window of conversation one job reads. */
export interface ExtractionInput {
  messages: Message[];
  /** Ids of the session events the messages came from, kept as the records' provenance. */
  eventIds?: string[];
  runId?: string;
}

export interface ExtractionDeps {
  memory: Memory;
  /** The default model of every strategy. */
  model: Model;
  strategies: ExtractionStrategy[];
  consolidator: Consolidator;
  /** Similar records a candidate is compared with (default 5). */
  similarLimit?: number;
  now?: () => number;
}

const emptyOutcome = (): ExtractionOutcome => ({
  created: [],
  updated: [],
  contradicted: [],
  duplicates: [],
});

export const errorInfo = (error: unknown): ErrorInfo =>
  error instanceof SkeinError
    ? { code: error.code, message: error.message }
    : { code: "extraction_failed", message: error instanceof Error ? error.message : String(error) };

/** Turns one strategy's candidates into writes, consulting existing records as its mode says. */
async function plan(
  deps: ExtractionDeps,
  scope: ExtractionScope,
  strategy: ExtractionStrategy,
  candidates: string[],
  provenance: Provenance,
  consumed: Set<string>,
  out: { ops: MemoryWriteOp[]; outcome: ExtractionOutcome },
  signal: AbortSignal,
): Promise<void> {
  const namespace = kindNamespace(scope.namespace, strategy.kind);
  const now = (deps.now ?? Date.now)();
  const record = (text: string) => ({
    id: randomUUID(),
    namespace,
    kind: strategy.kind,
    text,
    provenance: { ...provenance, source: strategy.name },
    expiresAt: strategy.ttlMs === undefined ? undefined : now + strategy.ttlMs,
  });
  const create = (text: string) => {
    const created = record(text);
    out.ops.push({ op: "create", record: created });
    out.outcome.created.push(created.id);
  };
  const supersede = (targetId: string, text: string, reason: "updated" | "contradicted") => {
    const created = record(text);
    consumed.add(targetId);
    out.ops.push({ op: "supersede", id: targetId, record: created, reason });
    (reason === "updated" ? out.outcome.updated : out.outcome.contradicted).push({
      from: targetId,
      to: created.id,
    });
  };

  if (strategy.mode === "append") return candidates.forEach(create);
  if (strategy.mode === "replace-per-session") {
    const previous = scope.sessionId
      ? await sessionRecord(deps.memory, scope, namespace, strategy)
      : undefined;
    for (const text of candidates) {
      if (previous && !consumed.has(previous.id)) supersede(previous.id, text, "updated");
      else create(text);
    }
    return;
  }
  for (const text of candidates) {
    const result = await deps.memory.search(
      scope.tenantId,
      { text, namespacePrefix: namespace, kinds: [strategy.kind], limit: deps.similarLimit ?? 5 },
      signal,
    );
    const similar = result.hits.map((h) => h.record).filter((r) => !consumed.has(r.id));
    const decision = await deps.consolidator.decide(text, similar, signal);
    if (decision.action === "new") create(decision.text);
    else if (decision.action === "duplicate") out.outcome.duplicates.push(decision.targetId);
    else
      supersede(decision.targetId, decision.text, decision.action === "update" ? "updated" : "contradicted");
  }
}

/** The active record this strategy wrote earlier in the same session (a session summary, say). */
async function sessionRecord(
  memory: Memory,
  scope: ExtractionScope,
  namespace: string,
  strategy: ExtractionStrategy,
): Promise<MemoryRecord | undefined> {
  const page = await memory.list(scope.tenantId, {
    namespacePrefix: namespace,
    kinds: [strategy.kind],
    limit: 500,
  });
  return page.records.find(
    (r) => r.provenance.sessionId === scope.sessionId && r.provenance.source === strategy.name,
  );
}

/**
 * Runs one extraction job to its end: every strategy's model call and every consolidation decision first, then
 * all writes in one atomic batch. Any failure (bad model output, provider error, a write conflict) fails the job
 * with its error and writes nothing. Returns the job as finally recorded.
 */
export async function runExtractionJob(
  deps: ExtractionDeps,
  job: ExtractionJob,
  scope: ExtractionScope,
  input: ExtractionInput,
  signal: AbortSignal,
): Promise<ExtractionJob> {
  const store = deps.memory.store;
  await store.updateJob(scope.tenantId, job.id, { status: "running" });
  try {
    const transcript = renderTranscript(input.messages);
    const provenance: Provenance = { eventIds: input.eventIds ?? [] };
    if (scope.sessionId) provenance.sessionId = scope.sessionId;
    if (input.runId) provenance.runId = input.runId;
    const out = { ops: [] as MemoryWriteOp[], outcome: emptyOutcome() };
    const consumed = new Set<string>();
    const strategies = deps.strategies.filter((s) => job.strategies.includes(s.name));
    for (const strategy of strategies) {
      const model = strategy.model ?? deps.model;
      const { value, raw } = await completeJson(
        model,
        `${strategy.prompt}\n\n${EXTRACTION_FORMAT}`,
        transcript,
        signal,
      );
      const candidates = parseCandidates(value, raw, strategy);
      await plan(deps, scope, strategy, candidates, provenance, consumed, out, signal);
    }
    signal.throwIfAborted();
    if (out.ops.length > 0) await deps.memory.write(scope.tenantId, out.ops, { signal, jobId: job.id });
    return await store.updateJob(scope.tenantId, job.id, { status: "succeeded", outcome: out.outcome });
  } catch (error) {
    const info = signal.aborted
      ? { code: "extraction_cancelled", message: "The extraction job was cancelled or timed out" }
      : errorInfo(error);
    return store.updateJob(scope.tenantId, job.id, { status: "failed", error: info });
  }
}
