import { z } from "zod";

// Response shapes of the API as zod schemas, for the OpenAPI document (the presenters in ../present.ts build
// them; test/http/openapi.test.ts checks real responses against the generated document).

const timestamp = z.iso.datetime().describe("ISO 8601 time (UTC)");

export const errorInfo = z.object({ code: z.string(), message: z.string() });

export const usage = z.object({
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  totalTokens: z.number().int(),
  reasoningTokens: z.number().int().optional(),
  cachedInputTokens: z.number().int().optional(),
  cost: z
    .object({
      input: z.number(),
      output: z.number(),
      total: z.number(),
      currency: z.enum(["USD", "CNY"]),
    })
    .optional()
    .describe("Present when the model's catalog entry has prices"),
});

export const problem = z
  .looseObject({
    type: z.string().describe("urn:skein:problem:<code>"),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().describe("Stable machine-readable code, e.g. invalid_request, rate_limited"),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .describe("RFC 9457 problem details (application/problem+json) with Skein's stable code");

export const agentDescription = z.object({
  name: z.string(),
  description: z.string().describe("Says which variables to set when the agent has no model"),
  instructions: z.string().nullable().optional(),
  model: z.object({ id: z.string(), provider: z.string() }).nullable(),
  tools: z.array(z.object({ name: z.string(), description: z.string(), parameters: z.unknown() })),
});
export const agentList = z.object({ data: z.array(agentDescription) });

export const session = z.object({
  id: z.string(),
  agent: z.string(),
  actorId: z.string().nullable(),
  status: z.enum(["active", "expired"]),
  metadata: z.record(z.string(), z.unknown()),
  lastEventId: z.number().int(),
  createdAt: timestamp,
  updatedAt: timestamp,
  expiresAt: timestamp,
  parentSessionId: z.string().nullable().describe("A branch: the session it was forked from"),
  forkedAtEvent: z
    .number()
    .int()
    .nullable()
    .describe("A branch: the parent's event it was forked at; its events up to there are copies"),
});
export const forkedSession = session.extend({
  requestedEvent: z.number().int().describe("The event asked for; forkedAtEvent differs when rounded down"),
});
export const sessionWithUsage = session.extend({
  usage: usage.describe("Summed over the session's runs"),
});
export const sessionList = z.object({ data: z.array(session), nextCursor: z.string().nullable() });

export const sessionEvent = z.object({
  id: z.number().int().describe("Sequence number in the session; SSE `id:` and `Last-Event-ID`"),
  runId: z.string().nullable(),
  type: z.string(),
  data: z.unknown().describe("The agent event (see @skein/core AgentEvent)"),
  createdAt: timestamp,
});
export const eventList = z.object({ data: z.array(sessionEvent) });

export const run = z.object({
  id: z.string(),
  sessionId: z.string(),
  agent: z.string(),
  status: z.enum(["queued", "running", "completed", "failed", "cancelled", "interrupted"]),
  stopReason: z.string().nullable(),
  text: z.string().nullable().describe("The final turn's text"),
  output: z.unknown(),
  usage,
  steps: z.number().int(),
  lastEventId: z.number().int(),
  error: errorInfo.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
  endedAt: timestamp.nullable(),
});

export const ping = z.object({
  status: z.enum(["Healthy", "HealthyBusy"]),
  time_of_last_update: z.number().int(),
});

export const agentCoreResponse = z.object({
  response: z.unknown().describe("The structured output when the agent has one, else the final text"),
  status: z.enum(["success", "error"]),
  sessionId: z.string(),
  runId: z.string(),
  stopReason: z.string().nullable(),
  usage,
  error: errorInfo.nullable(),
});

const openAIUsage = z.looseObject({
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
});

export const openAIModelList = z.object({
  object: z.literal("list"),
  data: z.array(
    z.object({ id: z.string(), object: z.literal("model"), created: z.number().int(), owned_by: z.string() }),
  ),
});

export const chatCompletion = z
  .looseObject({
    id: z.string(),
    object: z.literal("chat.completion"),
    created: z.number().int(),
    model: z.string(),
    choices: z.array(
      z.looseObject({
        index: z.number().int(),
        message: z.looseObject({ role: z.literal("assistant"), content: z.string().nullable() }),
        finish_reason: z.string(),
      }),
    ),
    usage: openAIUsage,
  })
  .describe("OpenAI chat.completion: the message is the final turn's text (as in the stream)");

export const openAIError = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable(),
    code: z.string().nullable(),
  }),
});
