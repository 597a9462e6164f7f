import { timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { RuntimeApp, RuntimeServices } from "../http/context.ts";
import { HttpError } from "../http/problem.ts";
import { RunNotFoundError } from "../store/errors.ts";
import type { RuntimeTelemetry } from "./runtime-telemetry.ts";

export interface TelemetryRouteOptions {
  /** The server runs in dev mode (loopback, no keys): `/metrics` is open. */
  devMode: boolean;
}

const day = 24 * 3_600_000;

/** An ISO 8601 date (`2025-01-31`, UTC midnight) or date-time. */
const instant = z
  .string()
  .refine(
    (text) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text),
    "must be an ISO 8601 date",
  )
  .transform((text, ctx) => {
    const ms = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text);
    if (Number.isNaN(ms)) ctx.addIssue({ code: "custom", message: "is not a valid date" });
    return ms;
  });

const usageQuery = z.object({
  from: instant.optional(),
  to: instant.optional(),
  groupBy: z.enum(["agent", "day"]).default("day"),
});

const tracesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  agent: z.string().optional(),
  sessionId: z.string().optional(),
  before: z.coerce.number().optional(),
});

function parse<S extends z.ZodType>(schema: S, query: Record<string, string>): z.infer<S> {
  const parsed = schema.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpError(400, "invalid_query", `${issue?.path.join(".")}: ${issue?.message}`);
  }
  return parsed.data;
}

const sameSecret = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * Observability routes: `/v1/whoami`, `/v1/runs/{id}/trace`, `/v1/traces`, `/v1/usage` (behind the /v1 API-key
 * middleware, tenant-scoped), and `/metrics`, which is cross-tenant and so never opens to a tenant's API key:
 * it takes the operator's `SKEIN_METRICS_TOKEN`, or nothing in dev mode.
 */
export function registerTelemetryRoutes(
  app: RuntimeApp,
  services: RuntimeServices,
  telemetry: RuntimeTelemetry,
  options: TelemetryRouteOptions,
): void {
  const { store } = services;

  app.get("/v1/whoami", (c) =>
    c.json({
      tenant: c.var.tenantId,
      keyId: c.var.keyId ?? null,
      devMode: options.devMode,
      features: {
        memory: services.memory !== undefined,
        /** How memory search finds records: `hybrid` (BM25 + vectors) or `bm25` (no embedding model). */
        memorySearch: services.memory?.mode ?? null,
        traceContent: telemetry.captureContent,
      },
    }),
  );

  app.get("/v1/runs/:id/trace", async (c) => {
    const id = c.req.param("id");
    const run = await store.getRun(c.var.tenantId, id);
    if (!run) throw new RunNotFoundError(id);
    const spans = telemetry.traces.runSpans(c.var.tenantId, run.id);
    return c.json({ runId: run.id, sessionId: run.sessionId, traceId: spans[0]?.traceId ?? null, spans });
  });

  app.get("/v1/traces", (c) => {
    const query = parse(tracesQuery, c.req.query());
    return c.json({ data: telemetry.traces.listTraces(c.var.tenantId, query) });
  });

  app.get("/v1/usage", (c) => {
    const query = parse(usageQuery, c.req.query());
    const to = query.to ?? services.now();
    const from = query.from ?? to - 30 * day;
    if (from >= to) throw new HttpError(400, "invalid_query", "from must be before to");
    const result = telemetry.usage.query(c.var.tenantId, { from, to, groupBy: query.groupBy });
    return c.json({
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      groupBy: query.groupBy,
      ...result,
    });
  });

  app.get("/metrics", async (c) => {
    if (!options.devMode) {
      const token = telemetry.metricsToken;
      if (!token)
        throw new HttpError(
          403,
          "metrics_disabled",
          "set SKEIN_METRICS_TOKEN on the server to read /metrics",
        );
      const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "");
      if (!match || !sameSecret(match[1]!, token))
        throw new HttpError(401, "unauthorized", "send the metrics token: Authorization: Bearer <token>", {
          headers: { "www-authenticate": 'Bearer realm="skein-metrics"' },
        });
    }
    return c.body(await telemetry.metrics.text(), 200, { "content-type": telemetry.metrics.contentType });
  });
}
