import type { Message } from "@skein/core";
import type { Context } from "hono";
import type { HostedAgent } from "../../agents/registry.ts";
import type { OnBusy } from "../../runs/run-manager.ts";
import { createSession, requireAgentMatch, requireSession } from "../../sessions/sessions.ts";
import { AlreadyExistsError } from "../../store/errors.ts";
import type { Run, Session, SessionEvent } from "../../store/store.ts";
import type { RuntimeEnv, RuntimeServices } from "../context.ts";
import { HttpError } from "../problem.ts";
import { formatSse, runSseResponse } from "../sse.ts";

export interface InvokeParams {
  tenantId: string;
  agent: HostedAgent;
  input: string | Message[];
  sessionId?: string;
  /** Create the session under `sessionId` when the tenant has none (AgentCore semantics). */
  createMissingSession?: boolean;
  actorId?: string;
  /** Logged with the run id, so a request's log line and its run's lines can be joined. */
  requestId?: string;
  /** When the session has a run in flight: wait in its queue, or 409 `session_busy` (default). */
  onBusy?: OnBusy;
}

/** The `onBusy` option of a request (body field or `?onBusy=` query); 400 for anything but queue or reject. */
export function parseOnBusy(value: unknown): OnBusy | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (value === "queue" || value === "reject") return value;
  throw new HttpError(400, "invalid_request", 'onBusy must be "queue" or "reject"');
}

export interface Invocation {
  session: Session;
  run: Run;
  done: Promise<Run>;
}

export const toMessages = (input: string | Message[]): Message[] =>
  typeof input === "string" ? [{ role: "user", content: input }] : input;

/** The invocation's session: found, or created (also under the given id with `createMissingSession`). */
async function openSession(services: RuntimeServices, params: InvokeParams): Promise<Session> {
  const { store, limits } = services;
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
  return session;
}

/**
 * Finds or creates the session, then starts the run: when the session has one in flight, 409 `session_busy` or, with
 * `onBusy: "queue"`, queued behind it.
 */
export async function startInvocation(services: RuntimeServices, params: InvokeParams): Promise<Invocation> {
  // The tenant's slot comes first, so a refused invocation leaves no session behind. A queued run holds its slot.
  const release = services.tenantRuns.acquire(params.tenantId); // 429 tenant_run_limit when full
  let session: Session;
  let started: Awaited<ReturnType<typeof services.runs.start>>;
  try {
    session = await openSession(services, params);
    started = await services.runs.start({
      tenantId: params.tenantId,
      session,
      agent: params.agent,
      input: toMessages(params.input),
      onBusy: params.onBusy,
    });
  } catch (error) {
    release();
    throw error;
  }
  const { run, done } = started;
  done.then(release, release);
  services.logger.info(
    { requestId: params.requestId, runId: run.id, sessionId: session.id, tenantId: params.tenantId },
    "run started",
  );
  return { session, run, done };
}

/** The run's committed events after `afterSeq` as SSE, with `id:` = the event's sequence number in its session. */
export function runEventStream(
  c: Context<RuntimeEnv>,
  services: RuntimeServices,
  run: Run,
  afterSeq: number,
  headers: Record<string, string> = {},
): Response {
  return runSseResponse(
    c,
    services.runs,
    run,
    afterSeq,
    runEventFormat,
    { "x-skein-run-id": run.id, "x-skein-session-id": run.sessionId, ...headers },
    { heartbeatMs: services.sseHeartbeatMs },
  );
}

const runEventFormat = {
  event: (event: SessionEvent) => formatSse({ id: event.seq, event: event.type, data: event.data }),
};
