import type { ExtractionJob, MemoryChange, MemoryRecord, MemorySearchResult } from "@skein/memory";

// The API's JSON shapes of memory records and jobs: ISO 8601 times, null for absent, no tenant id.

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | undefined): string | null => (ms === undefined ? null : iso(ms));

export function presentRecord(record: MemoryRecord) {
  return {
    id: record.id,
    namespace: record.namespace,
    kind: record.kind,
    text: record.text,
    status: record.status,
    provenance: record.provenance,
    metadata: record.metadata ?? null,
    createdAt: iso(record.createdAt),
    updatedAt: iso(record.updatedAt),
    expiresAt: isoOrNull(record.expiresAt),
    retiredReason: record.retiredReason ?? null,
    supersedes: record.supersedes ?? null,
    supersededBy: record.supersededBy ?? null,
  };
}

export function presentChange(change: MemoryChange) {
  return {
    seq: change.seq,
    action: change.action,
    at: iso(change.at),
    previousText: change.previousText ?? null,
    relatedId: change.relatedId ?? null,
    reason: change.reason ?? null,
    jobId: change.jobId ?? null,
  };
}

export function presentSearch(result: MemorySearchResult) {
  return {
    mode: result.mode,
    data: result.hits.map((hit) => ({
      record: presentRecord(hit.record),
      score: hit.score,
      bm25Rank: hit.bm25Rank ?? null,
      vectorRank: hit.vectorRank ?? null,
      distance: hit.distance ?? null,
    })),
    embeddingError: result.embeddingError ?? null,
  };
}

export function presentJob(job: ExtractionJob) {
  return {
    id: job.id,
    namespace: job.namespace,
    sessionId: job.sessionId ?? null,
    trigger: job.trigger,
    strategies: job.strategies,
    messageCount: job.messageCount,
    status: job.status,
    createdAt: iso(job.createdAt),
    startedAt: isoOrNull(job.startedAt),
    endedAt: isoOrNull(job.endedAt),
    outcome: job.outcome ?? null,
    error: job.error ?? null,
  };
}
