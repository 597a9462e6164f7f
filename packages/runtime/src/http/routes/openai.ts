import { readBody } from "../body.ts";
import type { RuntimeApp, RuntimeServices } from "../context.ts";
import { ChunkFormat } from "../openai/chunk-format.ts";
import {
  type ChunkContext,
  chatCompletionRequest,
  completionBody,
  completionId,
  openAIError,
  toSkeinMessages,
  unixSeconds,
} from "../openai/wire.ts";
import { HttpError } from "../problem.ts";
import { runSseResponse } from "../sse.ts";
import { parseOnBusy, startInvocation } from "./invoke.ts";

/** Continues a session over the OpenAI-compatible endpoint (the request's `user` field works too). */
export const SESSION_HEADER = "X-Skein-Session-Id";

/** Paths answered with OpenAI's error envelope instead of problem+json. */
export const OPENAI_PATHS = new Set(["/v1/chat/completions", "/v1/models"]);

/**
 * OpenAI-compatible endpoints: `GET /v1/models` lists the agents, `POST /v1/chat/completions` runs the agent the
 * `model` field names. Without a session the request's messages are the whole conversation (stateless, as with
 * OpenAI); with one (header or `user`) they are appended to the session's history.
 */
export function registerOpenAIRoutes(app: RuntimeApp, services: RuntimeServices): void {
  const started = unixSeconds(services.now());

  app.get("/v1/models", (c) =>
    c.json({
      object: "list",
      data: services.agents
        .list()
        .map((a) => ({ id: a.name, object: "model", created: started, owned_by: "skein" })),
    }),
  );

  app.post("/v1/chat/completions", async (c) => {
    const body = await readBody(c, chatCompletionRequest);
    const agent = services.agents.get(body.model);
    if (!agent)
      throw new HttpError(
        404,
        "model_not_found",
        `The model \`${body.model}\` does not exist (models are agent names)`,
      );
    const sessionId = c.req.header(SESSION_HEADER) ?? body.user ?? undefined;
    const { run, session, done } = await startInvocation(services, {
      tenantId: c.var.tenantId,
      agent,
      input: toSkeinMessages(body.messages),
      sessionId,
      createMissingSession: true,
      requestId: c.var.requestId,
      onBusy: parseOnBusy(c.req.query("onBusy")),
    });
    c.set("runId", run.id);
    const headers = { [SESSION_HEADER]: session.id, "x-skein-run-id": run.id };
    if (!body.stream) {
      const ended = await done;
      if (ended.status !== "completed") {
        const error = ended.error ?? { code: "run_failed", message: `the run ended ${ended.status}` };
        return c.json(openAIError(502, error.code, error.message), 502, headers);
      }
      return c.json(completionBody(ended, agent.name), 200, headers);
    }
    const ctx: ChunkContext = {
      id: completionId(run),
      created: unixSeconds(run.createdAt),
      model: agent.name,
      includeUsage: body.stream_options?.include_usage === true,
    };
    const format = new ChunkFormat(ctx, agent.tools.length > 0);
    return runSseResponse(c, services.runs, run, 0, format, headers, {
      heartbeatMs: services.sseHeartbeatMs,
    });
  });
}
