import { randomUUID } from "node:crypto";
import type { Model } from "@skein/core";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { type Logger, pino } from "pino";
import { AgentRegistry, type HostedAgent } from "../agents/registry.ts";
import { RunManager } from "../runs/run-manager.ts";
import { defaultSessionLimits, type SessionLimits } from "../sessions/session-limits.ts";
import type { Store } from "../store/store.ts";
import { type AuthOptions, authenticate } from "./auth.ts";
import type { RuntimeApp, RuntimeEnv, RuntimeServices } from "./context.ts";
import { openAIError } from "./openai/wire.ts";
import { HttpError, problem, problemFromError, problemResponse } from "./problem.ts";
import { type AgentCoreOptions, pingRoute, registerAgentCoreRoutes } from "./routes/agentcore.ts";
import { OPENAI_PATHS, registerOpenAIRoutes } from "./routes/openai.ts";
import { registerV1Routes } from "./routes/v1.ts";

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
  now?: () => number;
}

export interface RuntimeAppHandle {
  /** The Hono app; `app.fetch` is a Web-standard `(Request) => Response` handler. */
  app: RuntimeApp;
  runs: RunManager;
  services: RuntimeServices;
}

const requestIdPattern = /^[\w.:-]{1,128}$/;

/** Builds the runtime's HTTP app on Web-standard Request/Response; the Node adapter lives in `server.ts`. */
export function createApp(options: CreateAppOptions): RuntimeAppHandle {
  const logger = options.logger ?? pino({ name: "skein" });
  const now = options.now ?? Date.now;
  const limits = { ...defaultSessionLimits, ...options.limits };
  const agents = new AgentRegistry(options.agents, {
    defaultModel: options.defaultModel,
    modelHint: options.modelHint,
  });
  const runs = new RunManager({ store: options.store, agents, logger, limits, now });
  const services: RuntimeServices = { store: options.store, agents, runs, limits, logger, now };
  const app: RuntimeApp = new Hono<RuntimeEnv>();

  app.use(async (c, next) => {
    const given = c.req.header("x-request-id");
    const requestId = given && requestIdPattern.test(given) ? given : randomUUID();
    c.set("requestId", requestId);
    const started = performance.now();
    await next();
    c.header("x-request-id", requestId);
    // Never the headers or body: they carry keys and user content.
    logger.info(
      {
        requestId,
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        tenantId: c.get("tenantId"),
        keyId: c.get("keyId"),
        ms: Math.round(performance.now() - started),
      },
      "request",
    );
  });

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

  const maxSize = options.maxBodyBytes ?? 1024 * 1024;
  const limitBody = bodyLimit({
    maxSize,
    onError: () => {
      throw new HttpError(413, "payload_too_large", `the request body is larger than ${maxSize} bytes`);
    },
  });
  const auth = authenticate({ store: options.store, ...options.auth });
  for (const path of ["/v1/*", "/invocations"]) {
    app.use(path, auth);
    app.use(path, limitBody);
  }

  registerV1Routes(app, services);
  registerAgentCoreRoutes(app, services, options.agentCore);
  registerOpenAIRoutes(app, services);
  return { app, runs, services };
}
