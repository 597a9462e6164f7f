import { z } from "zod";
import { errorInfo } from "./schemas.ts";

// The shapes the /v1/memory routes (../../memory/memory-routes.ts) answer, for the OpenAPI document only: built
// when the document is, not when a server starts.

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
