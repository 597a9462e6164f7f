import type { Context } from "hono";
import { z } from "zod";
import { HttpError } from "./problem.ts";

// Request body schemas. Our own /v1 bodies are strict (a misspelt field is an error, not silently ignored).

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,255}$/, "1-256 letters, digits, _ . : -");

const toolCall = z.object({ id: z.string(), name: z.string(), arguments: z.string() }).strict();
export const messageSchema = z.discriminatedUnion("role", [
  z.object({ role: z.literal("system"), content: z.string() }).strict(),
  z.object({ role: z.literal("user"), content: z.string() }).strict(),
  z
    .object({
      role: z.literal("assistant"),
      content: z.string(),
      reasoning: z.string().optional(),
      toolCalls: z.array(toolCall).optional(),
    })
    .strict(),
  z
    .object({
      role: z.literal("tool"),
      toolCallId: z.string(),
      name: z.string(),
      content: z.string(),
      isError: z.boolean().optional(),
    })
    .strict(),
]);

/** A run's input: a user message text, or messages appended to the session's history. */
export const runInputSchema = z.union([z.string().min(1), z.array(messageSchema).min(1)]);

export const createSessionBody = z
  .object({
    agent: z.string().min(1),
    id: id.optional(),
    actorId: z.string().min(1).max(256).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** `POST /v1/sessions/{id}/fork`: a branch of the session at one of its events. */
export const forkSessionBody = z
  .object({
    /** The event the branch ends at (its history is the session's up to there); 0 forks an empty branch. */
    atEvent: z.number().int().min(0),
    /** Inside a unit (a model turn, or tool calls waiting for results): `refuse` (409, default) or `down` to the boundary before. */
    round: z.enum(["refuse", "down"]).optional(),
    id: id.optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export const invocationBody = z
  .object({
    input: runInputSchema,
    sessionId: id.optional(),
    actorId: z.string().min(1).max(256).optional(),
    /** Answer with an SSE stream of the run's events (also chosen by `Accept: text/event-stream`). */
    stream: z.boolean().optional(),
    /** Answer 202 with the run id at once; poll `GET /v1/runs/{id}` or stream its events. */
    async: z.boolean().optional(),
    /** When the session already has a run: `reject` answers 409 `session_busy` (default), `queue` waits its turn. */
    onBusy: z.enum(["queue", "reject"]).optional(),
  })
  .strict();

/** AgentCore Runtime's `/invocations` payload: `prompt` as in its samples; `input` or `messages` also accepted. */
export const agentCoreBody = z
  .object({
    prompt: z.string().min(1).optional(),
    input: runInputSchema.optional(),
    messages: z.array(messageSchema).min(1).optional(),
  })
  .refine((b) => [b.prompt, b.input, b.messages].filter((v) => v !== undefined).length === 1, {
    message: "give exactly one of prompt, input or messages",
  });

/**
 * Reads and validates a JSON body: 415 `unsupported_media_type` for a non-JSON content type, 400 `invalid_json`
 * for malformed JSON, 400 `invalid_request` with the issues for a body the schema refuses.
 */
export async function readBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const type = c.req.header("content-type");
  if (type !== undefined && !/^application\/([\w.+-]+\+)?json\b/i.test(type))
    throw new HttpError(415, "unsupported_media_type", `expected application/json, got ${type}`);
  const text = await c.req.text(); // may throw 413 from the body limit
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new HttpError(400, "invalid_json", "the request body is not valid JSON");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join("."),
      message: issue.message,
    }));
    const first = errors[0];
    throw new HttpError(
      400,
      "invalid_request",
      first ? `${first.path || "body"}: ${first.message}` : "invalid body",
      {
        extensions: { errors },
      },
    );
  }
  return parsed.data;
}
