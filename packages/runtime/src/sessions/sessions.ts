import { randomUUID } from "node:crypto";
import { HttpError } from "../http/problem.ts";
import { SessionNotFoundError } from "../store/errors.ts";
import type { Session, Store } from "../store/store.ts";
import { type SessionLimits, sessionExpiry } from "./session-limits.ts";

/** Session ids are 36 characters: AgentCore requires at least 33, so our ids work there too. */
export const newSessionId = (): string => `ses_${randomUUID().replaceAll("-", "")}`;

export interface OpenSessionParams {
  tenantId: string;
  agent: string;
  id?: string;
  actorId?: string;
  metadata?: Record<string, unknown>;
}

/** Creates a session in the tenant (creating the tenant row if this is its first use). */
export async function createSession(
  store: Store,
  limits: SessionLimits,
  now: number,
  params: OpenSessionParams,
): Promise<Session> {
  await store.ensureTenant({ id: params.tenantId });
  return store.createSession({
    tenantId: params.tenantId,
    id: params.id ?? newSessionId(),
    agent: params.agent,
    actorId: params.actorId,
    metadata: params.metadata,
    createdAt: now,
    expiresAt: sessionExpiry(now, now, limits),
  });
}

/** The tenant's session, or 404 `session_not_found` (also for another tenant's session). */
export async function requireSession(store: Store, tenantId: string, id: string): Promise<Session> {
  const session = await store.getSession(tenantId, id);
  if (!session) throw new SessionNotFoundError(id);
  return session;
}

/** 409 `session_agent_mismatch` when a session is invoked with another agent than its own. */
export function requireAgentMatch(session: Session, agent: string): void {
  if (session.agent !== agent)
    throw new HttpError(
      409,
      "session_agent_mismatch",
      `session ${session.id} belongs to agent "${session.agent}", not "${agent}"`,
    );
}
