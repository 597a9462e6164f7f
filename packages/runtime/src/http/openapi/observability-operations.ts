import { z } from "zod";
import type { OperationSpec } from "./operations.ts";

// The observability routes of ../../telemetry/telemetry-routes.ts. Their query schemas are private to that
// file, so these mirror them as accepted on the wire (TODO: export them there and use them here).

const isoInstant = z.string().describe("ISO 8601 date (UTC midnight) or date-time");

export const observabilityOperations: OperationSpec[] = [
  {
    method: "get",
    path: "/v1/whoami",
    operationId: "whoAmI",
    summary: "The caller's tenant, key id and the server's features",
    tag: "Observability",
    responses: {
      200: {
        description: "Who the key belongs to",
        json: z.looseObject({
          tenant: z.string(),
          keyId: z.string().nullable(),
          devMode: z.boolean(),
          features: z.looseObject({
            memory: z.boolean().describe("Long-term memory is mounted (/v1/memory)"),
            memorySearch: z.enum(["hybrid", "bm25"]).nullable(),
            traceContent: z.boolean(),
          }),
        }),
      },
    },
    errors: [401, 429],
  },
  {
    method: "get",
    path: "/v1/runs/{id}/trace",
    operationId: "getRunTrace",
    summary: "The run's trace: its spans (model calls, tool calls)",
    tag: "Observability",
    responses: {
      200: {
        description: "Spans of the run",
        json: z.looseObject({
          runId: z.string(),
          sessionId: z.string(),
          traceId: z.string().nullable(),
          spans: z.array(z.unknown()),
        }),
      },
    },
    errors: [401, 404, 429],
  },
  {
    method: "get",
    path: "/v1/traces",
    operationId: "listTraces",
    summary: "Recent traces of the tenant's runs",
    tag: "Observability",
    query: z.object({
      limit: z.coerce.number().int().min(1).max(200).optional(),
      agent: z.string().optional(),
      sessionId: z.string().optional(),
      before: z.coerce.number().optional(),
    }),
    responses: { 200: { description: "Traces", json: z.object({ data: z.array(z.unknown()) }) } },
    errors: [400, 401, 429],
  },
  {
    method: "get",
    path: "/v1/usage",
    operationId: "getUsage",
    summary: "Tokens and cost of the tenant's runs, grouped by agent or day (default: the last 30 days)",
    tag: "Observability",
    query: z.object({
      from: isoInstant.optional(),
      to: isoInstant.optional(),
      groupBy: z.enum(["agent", "day"]).optional(),
    }),
    responses: {
      200: {
        description: "Usage",
        json: z.looseObject({ from: z.string(), to: z.string(), groupBy: z.enum(["agent", "day"]) }),
      },
    },
    errors: [400, 401, 429],
  },
  {
    method: "get",
    path: "/metrics",
    operationId: "getMetrics",
    summary: "Prometheus metrics (cross-tenant): needs SKEIN_METRICS_TOKEN as bearer token, none in dev mode",
    tag: "Observability",
    public: true,
    responses: { 200: { description: "Prometheus text exposition format", text: true } },
    errors: [401, 403],
  },
];
