import { addUsage, emptyUsage, type Usage } from "@skein/core";
import type { Run, Session, SessionEvent, Store } from "../store/store.ts";

// The API's JSON shapes of stored records: ISO 8601 times, no tenant id (it is the caller's own).

const iso = (ms: number): string => new Date(ms).toISOString();

export function presentSession(session: Session) {
  return {
    id: session.id,
    agent: session.agent,
    actorId: session.actorId ?? null,
    status: session.status,
    metadata: session.metadata ?? {},
    lastEventId: session.lastSeq,
    createdAt: iso(session.createdAt),
    updatedAt: iso(session.updatedAt),
    expiresAt: iso(session.expiresAt),
    parentSessionId: session.parentSessionId ?? null,
    forkedAtEvent: session.forkedAtSeq ?? null,
  };
}

export function presentRun(run: Run) {
  const result = (run.result ?? {}) as { text?: string; output?: unknown };
  return {
    id: run.id,
    sessionId: run.sessionId,
    agent: run.agent,
    status: run.status,
    stopReason: run.stopReason ?? null,
    text: result.text ?? null,
    output: result.output ?? null,
    usage: run.usage,
    steps: run.lastStep,
    lastEventId: run.lastSeq,
    error: run.error ?? null,
    createdAt: iso(run.createdAt),
    updatedAt: iso(run.updatedAt),
    endedAt: run.endedAt === undefined ? null : iso(run.endedAt),
  };
}

export function presentEvent(event: SessionEvent) {
  return {
    id: event.seq,
    runId: event.runId ?? null,
    type: event.type,
    data: event.data,
    createdAt: iso(event.createdAt),
  };
}

/** Most runs summed per session; a first step (a store aggregate would scale better). */
const maxRunsSummed = 100_000;

/** Tokens and cost of every run of the session, summed (cost only when every priced run shares a currency). */
export async function sessionUsage(store: Store, tenantId: string, sessionId: string): Promise<Usage> {
  const runs = await store.listRuns(tenantId, { sessionId, limit: maxRunsSummed });
  return runs.reduce((sum, run) => addUsage(sum, run.usage), emptyUsage());
}
