import { z } from "zod";
import { errorInfo } from "../http/openapi/schemas.ts";

// Requests the /v1/memory routes validate, and the shapes they answer (for the OpenAPI document).

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

// Responses

const timestamp = z.iso.datetime().describe("ISO 8601 time (UTC)");

export const memoryRecord = z.object({
  id: z.string(),
  namespace: z.string(),
  kind: z.string(),
  text: z.string(),
  status: z.enum(["active", "retired"]),
  provenance: z
    .object({
      sessionId: z.string().optional(),
      runId: z.string().optional(),
      eventIds: z.array(z.string()).describe("The session events (sequence numbers) it was drawn from"),
      source: z.string().optional().describe("The strategy that extracted it, or manual / tool"),
      jobId: z.string().optional(),
    })
    .describe("Where the record came from"),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
  expiresAt: timestamp.nullable(),
  retiredReason: z.string().nullable(),
  supersedes: z.string().nullable().describe("The older version this one replaced"),
  supersededBy: z.string().nullable().describe("The newer version that replaced this one"),
});

export const memoryChange = z.object({
  seq: z.number().int(),
  action: z.enum(["created", "updated", "retired", "superseded"]),
  at: timestamp,
  previousText: z.string().nullable(),
  relatedId: z.string().nullable(),
  reason: z.string().nullable(),
  jobId: z.string().nullable(),
});

export const memoryRecordList = z.object({ data: z.array(memoryRecord), nextCursor: z.string().nullable() });

export const memoryRecordDetail = memoryRecord.extend({
  history: z.array(memoryChange).describe("This record's changes, oldest first"),
  versions: z.array(memoryRecord).describe("Every version of the record, oldest first (this one included)"),
});

export const memorySearchResult = z.object({
  mode: z.enum(["hybrid", "bm25", "vector"]).describe("bm25 when no embedding model is configured"),
  data: z.array(
    z.object({
      record: memoryRecord,
      score: z.number(),
      bm25Rank: z.number().int().nullable(),
      vectorRank: z.number().int().nullable(),
      distance: z.number().nullable(),
    }),
  ),
  embeddingError: errorInfo
    .nullable()
    .describe("Set when embedding the query failed and BM25 answered alone"),
});

export const extractionJob = z.object({
  id: z.string(),
  namespace: z.string(),
  sessionId: z.string().nullable(),
  trigger: z.enum(["turns", "session-end", "manual"]),
  strategies: z.array(z.string()),
  messageCount: z.number().int(),
  status: z.enum(["queued", "running", "succeeded", "failed"]),
  createdAt: timestamp,
  startedAt: timestamp.nullable(),
  endedAt: timestamp.nullable(),
  outcome: z
    .object({
      created: z.array(z.string()),
      updated: z.array(z.object({ from: z.string(), to: z.string() })),
      contradicted: z.array(z.object({ from: z.string(), to: z.string() })),
      duplicates: z.array(z.string()),
    })
    .nullable()
    .describe("What the job wrote, by record id"),
  error: errorInfo.nullable(),
});

export const extractionJobList = z.object({ data: z.array(extractionJob) });

export const deletedActor = z.object({
  actorId: z.string(),
  namespace: z.string(),
  deleted: z.number().int().describe("Records removed (every version, from every index)"),
});
