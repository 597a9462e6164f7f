import type { Message } from "@skein/core";
import type { HostedAgent } from "../../agents/registry.ts";
import { createSession, requireAgentMatch, requireSession } from "../../sessions/sessions.ts";
import { AlreadyExistsError } from "../../store/errors.ts";
import type { Run, Session } from "../../store/store.ts";
import type { RuntimeServices } from "../context.ts";
import { HttpError } from "../problem.ts";
import { type SseMessage, sseResponse } from "../sse.ts";

export interface InvokeParams {
  tenantId: string;
  agent: HostedAgent;
  input: string | Message[];
  sessionId?: string;
  /** Create the session under `sessionId` when the tenant has none (AgentCore semantics). */
  createMissingSession?: boolean;
  actorId?: string;
}

export interface Invocation {
  session: Session;
  run: Run;
  done: Promise<Run>;
}

export const toMessages = (input: string | Message[]): Message[] =>
  typeof input === "string" ? [{ role: "user", content: input }] : input;

/** Finds or creates the session, then starts the run (409 `session_busy` when the session has one running). */
export async function startInvocation(services: RuntimeServices, params: InvokeParams): Promise<Invocation> {
  const { store, limits, runs } = services;
  let session: Session | undefined;
  if (params.sessionId !== undefined) {
    session = await store.getSession(params.tenantId, params.sessionId);
    if (!session && !params.createMissingSession)
      session = await requireSession(store, params.tenantId, params.sessionId);
  }
  session ??= await createSession(store, limits, services.now(), {
    tenantId: params.tenantId,
    agent: params.agent.name,
    id: params.sessionId,
    actorId: params.actorId,
  }).catch(async (error: unknown) => {
    // Two first invocations of one AgentCore session id raced: use the one that won.
    if (!(error instanceof AlreadyExistsError) || params.sessionId === undefined) throw error;
    return requireSession(store, params.tenantId, params.sessionId);
  });
  requireAgentMatch(session, params.agent.name);
  if (params.actorId !== undefined && session.actorId !== undefined && session.actorId !== params.actorId)
    throw new HttpError(403, "actor_mismatch", `session ${session.id} belongs to another actor`);
  const { run, done } = await runs.start({
    tenantId: params.tenantId,
    session,
    agent: params.agent,
    input: toMessages(params.input),
  });
  return { session, run, done };
}

/** The run's committed events after `afterSeq` as SSE, with `id:` = the event's sequence number in its session. */
export function runEventStream(
  services: RuntimeServices,
  run: Run,
  afterSeq: number,
  headers: Record<string, string> = {},
): Response {
  return sseResponse(
    async function* (signal): AsyncGenerator<SseMessage> {
      for await (const event of services.runs.events(run, afterSeq, signal))
        yield { id: event.seq, event: event.type, data: event.data };
    },
    { "x-skein-run-id": run.id, "x-skein-session-id": run.sessionId, ...headers },
  );
}
