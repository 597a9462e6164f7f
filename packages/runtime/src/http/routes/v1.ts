import { z } from "zod";
import { resolveForkPoint } from "../../sessions/fork-point.ts";
import { sessionExpiry } from "../../sessions/session-limits.ts";
import { createSession, newSessionId, requireSession } from "../../sessions/sessions.ts";
import { RunNotFoundError } from "../../store/errors.ts";
import type { Run } from "../../store/store.ts";
import { createSessionBody, forkSessionBody, invocationBody, readBody } from "../body.ts";
import type { RuntimeApp, RuntimeServices } from "../context.ts";
import { presentEvent, presentRun, presentSession, sessionUsage } from "../present.ts";
import { HttpError } from "../problem.ts";
import { resumeAfter, wantsEventStream } from "../sse.ts";
import { parseOnBusy, runEventStream, startInvocation } from "./invoke.ts";

/** Query of `GET /v1/sessions`. */
export const listSessionsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().optional(),
  actorId: z.string().optional(),
  agent: z.string().optional(),
  status: z.enum(["active", "expired"]).optional(),
  parentSessionId: z.string().optional(),
});

/** Query of `GET /v1/sessions/{id}/events`. */
export const listEventsQuery = z.object({
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

/** Query of `GET /v1/runs/{id}/events` (`Last-Event-ID` takes precedence). */
export const runEventsQuery = z.object({
  after: z
    .string()
    .regex(/^\d{1,15}$/)
    .optional(),
});

/** Validates a query string; 400 `invalid_query` with the first issue. */
export function parseQuery<S extends z.ZodType>(schema: S, query: Record<string, string>): z.infer<S> {
  const parsed = schema.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpError(400, "invalid_query", `${issue?.path.join(".")}: ${issue?.message}`);
  }
  return parsed.data;
}

/** The /v1 API: agents, sessions, invocations and runs, all scoped to the caller's tenant. */
export function registerV1Routes(app: RuntimeApp, services: RuntimeServices): void {
  const { store, agents, runs, limits } = services;

  const requireAgent = (name: string) => {
    const agent = agents.get(name);
    if (!agent) throw new HttpError(404, "agent_not_found", `no agent named "${name}"`);
    return agent;
  };
  const requireRun = async (tenantId: string, id: string): Promise<Run> => {
    const run = await store.getRun(tenantId, id);
    if (!run) throw new RunNotFoundError(id);
    return run;
  };

  // Agents

  app.get("/v1/agents", (c) => c.json({ data: agents.list().map((a) => agents.describe(a)) }));
  app.get("/v1/agents/:agent", (c) => c.json(agents.describe(requireAgent(c.req.param("agent")))));

  // Sessions

  app.post("/v1/sessions", async (c) => {
    const body = await readBody(c, createSessionBody);
    requireAgent(body.agent);
    const session = await createSession(store, limits, services.now(), { tenantId: c.var.tenantId, ...body });
    return c.json(presentSession(session), 201, { location: `/v1/sessions/${session.id}` });
  });

  app.get("/v1/sessions", async (c) => {
    const query = parseQuery(listSessionsQuery, c.req.query());
    const page = await store.listSessions(c.var.tenantId, query);
    return c.json({ data: page.items.map(presentSession), nextCursor: page.nextCursor ?? null });
  });

  app.get("/v1/sessions/:id", async (c) => {
    const session = await requireSession(store, c.var.tenantId, c.req.param("id"));
    return c.json({
      ...presentSession(session),
      usage: await sessionUsage(store, c.var.tenantId, session.id),
    });
  });

  app.delete("/v1/sessions/:id", async (c) => {
    const id = c.req.param("id");
    if (!(await store.deleteSession(c.var.tenantId, id))) await requireSession(store, c.var.tenantId, id);
    return c.body(null, 204);
  });

  app.get("/v1/sessions/:id/events", async (c) => {
    const session = await requireSession(store, c.var.tenantId, c.req.param("id"));
    const query = parseQuery(listEventsQuery, c.req.query());
    const events = await store.listEvents(c.var.tenantId, session.id, {
      afterSeq: query.after,
      limit: query.limit ?? 200,
    });
    return c.json({ data: events.map(presentEvent) });
  });

  // A branch: a new session whose history is this one's up to an event (whole units only, see fork-point.ts).
  app.post("/v1/sessions/:id/fork", async (c) => {
    const source = await requireSession(store, c.var.tenantId, c.req.param("id"));
    const body = await readBody(c, forkSessionBody);
    const point = await resolveForkPoint(
      store,
      c.var.tenantId,
      source.id,
      source.lastSeq,
      body.atEvent,
      body.round ?? "refuse",
    );
    const now = services.now();
    const branch = await store.forkSession(c.var.tenantId, source.id, {
      id: body.id ?? newSessionId(),
      atSeq: point.atSeq,
      expiresAt: sessionExpiry(now, now, limits),
      metadata: body.metadata,
      createdAt: now,
    });
    return c.json({ ...presentSession(branch), requestedEvent: point.requested }, 201, {
      location: `/v1/sessions/${branch.id}`,
    });
  });

  // Invocations

  app.post("/v1/agents/:agent/invocations", async (c) => {
    const agent = requireAgent(c.req.param("agent"));
    const body = await readBody(c, invocationBody);
    if (body.async && body.stream)
      throw new HttpError(400, "invalid_request", "choose stream or async, not both");
    const invocation = await startInvocation(services, {
      tenantId: c.var.tenantId,
      agent,
      input: body.input,
      sessionId: body.sessionId,
      actorId: body.actorId,
      requestId: c.var.requestId,
      onBusy: body.onBusy ?? parseOnBusy(c.req.query("onBusy")),
    });
    const { run, session } = invocation;
    c.set("runId", run.id);
    if (body.async) {
      return c.json({ ...presentRun(run), sessionId: session.id }, 202, { location: `/v1/runs/${run.id}` });
    }
    if (body.stream ?? wantsEventStream(c.req.header("accept"))) return runEventStream(c, services, run, 0);
    const ended = await invocation.done;
    return c.json(presentRun(ended), 200, { "x-skein-session-id": session.id });
  });

  // Runs

  app.get("/v1/runs/:id", async (c) =>
    c.json(presentRun(await requireRun(c.var.tenantId, c.req.param("id")))),
  );

  app.get("/v1/runs/:id/events", async (c) => {
    const run = await requireRun(c.var.tenantId, c.req.param("id"));
    return runEventStream(c, services, run, resumeAfter(c.req.header("last-event-id"), c.req.query("after")));
  });

  app.post("/v1/runs/:id/cancel", async (c) => {
    const run = await requireRun(c.var.tenantId, c.req.param("id"));
    return c.json(presentRun(await runs.cancel(run)));
  });
}
