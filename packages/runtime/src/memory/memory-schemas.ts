import { z } from "zod";

// Requests the /v1/memory routes validate; the shapes they answer are in ../http/openapi/memory-responses.ts.

/** An ISO 8601 date (`2025-01-31`, UTC midnight) or date-time, as epoch milliseconds. */
const instant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/, "must be an ISO 8601 date or date-time")
  .transform((text, ctx) => {
    const ms = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text);
    if (Number.isNaN(ms)) ctx.addIssue({ code: "custom", message: "is not a valid date" });
    return ms;
  });

const kindPattern = /^[a-z][a-z0-9_-]{0,63}$/;
const kind = z.string().regex(kindPattern, "lower-case letters, digits, - and _ (at most 64)");
/** `fact,preference`: one kind or several, comma-separated. */
const kinds = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,63}(,[a-z][a-z0-9_-]{0,63})*$/, "kinds, comma-separated")
  .transform((text) => text.split(","));

const filters = {
  namespace: z.string().min(1).max(512).optional().describe("Namespace prefix (whole segments)"),
  kind: kinds.optional(),
  status: z.enum(["active", "retired", "any"]).optional().describe("Default active"),
  createdAfter: instant.optional(),
  createdBefore: instant.optional(),
  includeExpired: z.enum(["true", "false"]).optional(),
};

export const listRecordsQuery = z.object({
  ...filters,
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.string().max(512).optional(),
});

export const searchQuery = z.object({
  q: z.string().min(1).max(2000),
  ...filters,
  limit: z.coerce.number().int().min(1).max(100).optional(),
  mode: z
    .enum(["auto", "hybrid", "bm25", "vector"])
    .optional()
    .describe("Default auto: hybrid with an embedding model, BM25 without"),
});

export const listJobsQuery = z.object({
  sessionId: z.string().max(256).optional(),
  status: z.enum(["queued", "running", "succeeded", "failed"]).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

const isoTime = z.iso.datetime({ offset: true });

export const createRecordBody = z
  .object({
    text: z.string().trim().min(1).max(32_000),
    kind: kind.optional().describe("Default fact"),
    /** Under `/tenants/{your tenant}`. Or give `actorId`: the record goes to the actor's namespace for its kind. */
    namespace: z.string().min(2).max(512).optional(),
    actorId: z.string().min(1).max(256).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    expiresAt: isoTime.optional(),
  })
  .strict()
  .refine((b) => (b.namespace === undefined) !== (b.actorId === undefined), {
    message: "give exactly one of namespace or actorId",
  });

export const updateRecordBody = z
  .object({
    text: z.string().trim().min(1).max(32_000).optional(),
    kind: kind.optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    expiresAt: isoTime.nullable().optional().describe("null removes the expiry"),
  })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: "change at least one field" });

export const createJobBody = z
  .object({
    sessionId: z.string().min(1).max(256),
    strategies: z.array(z.string().min(1).max(64)).min(1).optional().describe("Default: all of the agent's"),
  })
  .strict();
