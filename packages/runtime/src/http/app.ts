import { randomUUID } from "node:crypto";
import type { Model } from "@skein/core";
import { Hono } from "hono";
import type { Logger } from "pino";
import { AgentRegistry, type HostedAgent } from "../agents/registry.ts";
import { TenantRunLimiter } from "../limits/tenant-run-limiter.ts";
import { defaultRateLimit, type RateLimit } from "../limits/token-bucket.ts";
import { createLogger } from "../logging/logger.ts";
import { HostedMemory } from "../memory/hosted-memory.ts";
import type { MemoryMount } from "../memory/memory-config.ts";
import { registerMemoryRoutes } from "../memory/memory-routes.ts";
import type { RunManager } from "../runs/run-manager.ts";
import { defaultSessionLimits, type SessionLimits } from "../sessions/session-limits.ts";
import type { Session, Store } from "../store/store.ts";
import { RuntimeTelemetry } from "../telemetry/runtime-telemetry.ts";
import { registerTelemetryRoutes } from "../telemetry/telemetry-routes.ts";
import { TracedRunManager } from "../telemetry/traced-run-manager.ts";
import { type AuthOptions, authenticate } from "./auth.ts";
import { limitBody } from "./body-limit.ts";
import { consoleStatic } from "./console-static.ts";
import type { RuntimeApp, RuntimeEnv, RuntimeServices } from "./context.ts";
import { openAIError } from "./openai/wire.ts";
import { problem, problemFromError, problemResponse } from "./problem.ts";
import { rateLimit } from "./rate-limit.ts";
import { type AgentCoreOptions, pingRoute, registerAgentCoreRoutes } from "./routes/agentcore.ts";
import { OPENAI_PATHS, registerOpenAIRoutes } from "./routes/openai.ts";
import { registerV1Routes } from "./routes/v1.ts";
import { DEFAULT_SSE_HEARTBEAT_MS } from "./sse.ts";

export interface CreateAppOptions {
  store: Store;
  agents: readonly HostedAgent[];
  /** Model of agents that name none (the CLI resolves it from SKEIN_MODEL / DASHSCOPE_API_KEY ...). */
  defaultModel?: Model;
  /** Said in descriptions and 503 errors when an agent has no model. */
  modelHint?: string;
  auth?: Omit<AuthOptions, "store">;
  logger?: Logger;
  limits?: Partial<SessionLimits>;
  /** Largest request body accepted (default 1 MiB). */
  maxBodyBytes?: number;
  agentCore?: AgentCoreOptions;
  /** Token bucket per API key (default 120 at once, 20 per second); `false` turns it off. */
  rateLimit?: RateLimit | false;
  /** Runs in flight per tenant (default 64); more answer 429 `tenant_run_limit`. */
  maxRunsPerTenant?: number;
  /** SSE heartbeat interval (default 15 s; 0 turns heartbeats off). */
  sseHeartbeatMs?: number;
  /** The clock of runs and sessions (tests inject one to expire sessions without waiting). */
  now?: () => number;
  /** Traces, usage ledger and metrics of every run (default: kept in memory). */
  telemetry?: RuntimeTelemetry;
  /** The built console served at `/` (default `packages/console/dist`). */
  consoleDir?: string;
  /** Long-term memory: its store, embedding model and the agents that use it. Without it, `/v1/memory` answers 404. */
  memory?: MemoryMount;
}

export interface RuntimeAppHandle {
  /** The Hono app; `app.fetch` is a Web-standard `(Request) => Response` handler. */
  app: RuntimeApp;
  runs: RunManager;
  services: RuntimeServices;
  telemetry: RuntimeTelemetry;
  /** The mounted long-term memory, if any. */
  memory: HostedMemory | undefined;
  /** Marks sessions past their idle timeout or maximum lifetime as expired (by the app's clock); the server
   * calls it periodically. */
  expireSessions(): Promise<Session[]>;
}

const requestIdPattern = /^[\w.:-]{1,128}$/;

/** Builds the runtime's HTTP app on Web-standard Request/Response; the Node adapter lives in `server.ts`. */
export function createApp(options: CreateAppOptions): RuntimeAppHandle {
  const logger = options.logger ?? createLogger();
  const now = options.now ?? Date.now;
  const limits = { ...defaultSessionLimits, ...options.limits };
  const agents = new AgentRegistry(options.agents, {
    defaultModel: options.defaultModel,
    modelHint: options.modelHint,
  });
  const telemetry = options.telemetry ?? new RuntimeTelemetry({ logger });
  const memory = options.memory
    ? new HostedMemory(options.memory, { store: options.store, agents, logger })
    : undefined;
  const runPlugins = memory ? (session: Session) => memory.pluginsFor(session) : undefined;
  const runs = new TracedRunManager(
    { store: options.store, agents, logger, limits, now, runPlugins },
    telemetry,
  );
  const services: RuntimeServices = {
    store: options.store,
    agents,
    runs,
    limits,
    logger,
    now,
    tenantRuns: new TenantRunLimiter(options.maxRunsPerTenant),
    sseHeartbeatMs: options.sseHeartbeatMs ?? DEFAULT_SSE_HEARTBEAT_MS,
    memory,
  };
  const app: RuntimeApp = new Hono<RuntimeEnv>();

  app.use(async (c, next) => {
    const given = c.req.header("x-request-id");
    const requestId = given && requestIdPattern.test(given) ? given : randomUUID();
    c.set("requestId", requestId);
    const started = performance.now();
    await next();
    // Set on the response's own headers: `c.header()` after the handler would rebuild the response (an undici
    // Response and a copy of its headers per request, which an SSE stream then keeps for its whole life).
    try {
      c.res.headers.set("x-request-id", requestId);
    } catch {
      c.header("x-request-id", requestId); // immutable headers (a response passed through from fetch)
    }
    // Never the headers or body: they carry keys and user content.
    logger.info(
      {
        requestId,
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        tenantId: c.get("tenantId"),
        keyId: c.get("keyId"),
        runId: c.get("runId"),
        ms: Math.round(performance.now() - started),
      },
      "request",
    );
  });
  app.use(telemetry.metrics.middleware());

  app.onError((error, c) => {
    const { body, headers } = problemFromError(error);
    if (body.status >= 500 && body.code === "internal_error")
      logger.error({ err: error, requestId: c.get("requestId") }, "unhandled error");
    if (OPENAI_PATHS.has(c.req.path))
      return c.json(openAIError(body.status, body.code, body.detail), body.status as 400, headers);
    return problemResponse({ ...body, instance: c.req.path }, headers);
  });
  app.notFound((c) =>
    problemResponse(problem(404, "not_found", `no route for ${c.req.method} ${c.req.path}`)),
  );

  app.get("/ping", pingRoute(services));
  // Public, like /ping: it describes the API, not the tenant's data. Registered before the auth middleware.
  let document: unknown;
  app.get("/v1/openapi.json", async (c) => {
    // Imported on first request: building the document is no part of a server's start.
    document ??= (await import("./openapi/document.ts")).openApiDocument();
    return c.json(document);
  });

  const maxSize = options.maxBodyBytes ?? 1024 * 1024;
  const limitBodySize = limitBody(maxSize);
  const auth = authenticate({ store: options.store, ...options.auth });
  const limitRate =
    options.rateLimit === false ? undefined : rateLimit(options.rateLimit ?? defaultRateLimit, now);
  // /invocations (AgentCore) is authenticated like /v1: only dev mode on loopback serves it without a key.
  for (const path of ["/v1/*", "/invocations"]) {
    app.use(path, auth);
    if (limitRate) app.use(path, limitRate);
    app.use(path, limitBodySize);
  }

  registerV1Routes(app, services);
  registerAgentCoreRoutes(app, services, options.agentCore);
  registerOpenAIRoutes(app, services);
  registerMemoryRoutes(app, services);
  registerTelemetryRoutes(app, services, telemetry, { devMode: options.auth?.dev === true });
  app.get("*", consoleStatic(options.consoleDir)); // last: the console's pages are every other GET
  // An expired session has ended: its memory is extracted in the background.
  const expireSessions = async () => {
    const expired = await options.store.expireSessions(now());
    memory?.sessionsEnded(expired);
    return expired;
  };
  return { app, runs, services, telemetry, memory, expireSessions };
}
