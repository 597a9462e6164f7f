import type { MiddlewareHandler } from "hono";
import { agentCoreBody, readBody } from "../body.ts";
import type { RuntimeApp, RuntimeEnv, RuntimeServices } from "../context.ts";
import { HttpError } from "../problem.ts";
import { wantsEventStream } from "../sse.ts";
import { parseOnBusy, runEventStream, startInvocation } from "./invoke.ts";

/** The header AgentCore Runtime uses to pin an invocation to a session (InvokeAgentRuntime API reference). */
export const AGENTCORE_SESSION_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id";
/** Picks the agent when the server hosts several (AgentCore's contract has one agent per container). */
export const AGENT_HEADER = "X-Skein-Agent";

export interface AgentCoreOptions {
  /** The agent `/invocations` runs when no `X-Skein-Agent` header names one (default: the first agent). */
  defaultAgent?: string;
}

/**
 * `GET /ping`: `Healthy` or `HealthyBusy` (runs in flight), with `time_of_last_update` moving only when the status
 * changes. Unauthenticated: it is a health check.
 */
export function pingRoute(services: RuntimeServices): MiddlewareHandler<RuntimeEnv> {
  let last = { status: "Healthy", since: Math.floor(services.now() / 1000) };
  return async (c) => {
    const status = services.runs.activeCount > 0 ? "HealthyBusy" : "Healthy";
    if (status !== last.status) last = { status, since: Math.floor(services.now() / 1000) };
    return c.json({ status: last.status, time_of_last_update: last.since });
  };
}

/** `POST /invocations`, the AgentCore Runtime contract: JSON `{ response, status }` or SSE of the agent's events. */
export function registerAgentCoreRoutes(
  app: RuntimeApp,
  services: RuntimeServices,
  options: AgentCoreOptions = {},
) {
  app.post("/invocations", async (c) => {
    const name = c.req.header(AGENT_HEADER) ?? options.defaultAgent ?? services.agents.list()[0]?.name;
    const agent = name === undefined ? undefined : services.agents.get(name);
    if (!agent) throw new HttpError(404, "agent_not_found", `no agent named "${name ?? ""}"`);
    const body = await readBody(c, agentCoreBody);
    const sessionId = c.req.header(AGENTCORE_SESSION_HEADER);
    if (sessionId !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,255}$/.test(sessionId))
      throw new HttpError(
        400,
        "invalid_session_id",
        `${AGENTCORE_SESSION_HEADER} must be 1-256 letters, digits, _ . : -`,
      );
    const invocation = await startInvocation(services, {
      tenantId: c.var.tenantId,
      agent,
      input: body.prompt ?? body.input ?? body.messages!,
      sessionId,
      createMissingSession: true,
      requestId: c.var.requestId,
      onBusy: parseOnBusy(c.req.query("onBusy")),
    });
    c.set("runId", invocation.run.id);
    const headers = { [AGENTCORE_SESSION_HEADER]: invocation.session.id };
    if (wantsEventStream(c.req.header("accept")))
      return runEventStream(c, services, invocation.run, 0, headers);
    const run = await invocation.done;
    const result = (run.result ?? {}) as { text?: string; output?: unknown };
    return c.json(
      {
        response: result.output ?? result.text ?? "",
        status: run.status === "completed" ? "success" : "error",
        sessionId: invocation.session.id,
        runId: run.id,
        stopReason: run.stopReason ?? null,
        usage: run.usage,
        error: run.error ?? null,
      },
      200,
      headers,
    );
  });
}
