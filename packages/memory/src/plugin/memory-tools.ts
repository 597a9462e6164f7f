import { createHash } from "node:crypto";
import { type AnyTool, type ToolContext, tool } from "@skein/core";
import type { Memory } from "../memory/memory.ts";
import { kindNamespace, normalizePrefix } from "../store/namespace.ts";
import { type MemoryRunContext, type MemoryScopeOptions, resolveScope } from "./context.ts";

export interface MemoryToolsOptions extends MemoryScopeOptions {
  memory: Memory;
}

const runContext = (ctx: ToolContext): MemoryRunContext => ({
  runId: ctx.runId,
  sessionId: ctx.sessionId,
  agent: ctx.agentName,
});

const KINDS = ["fact", "preference", "episode", "summary"];

/** `remember`, `recall` and `forget`, confined to the run's actor namespace. */
export function memoryTools(options: MemoryToolsOptions): AnyTool[] {
  const { memory } = options;

  const remember = tool({
    name: "remember",
    description:
      "Save something worth knowing in later conversations with this user (a fact about them, a preference, " +
      "an outcome). One short, self-contained sentence per call.",
    input: {
      type: "object",
      properties: {
        text: { type: "string", minLength: 1, maxLength: 2000, description: "What to remember" },
        kind: { type: "string", enum: KINDS, description: "Default fact" },
      },
      required: ["text"],
      additionalProperties: false,
    },
    async run(input, ctx) {
      const { text, kind = "fact" } = input as { text: string; kind?: string };
      const scope = await resolveScope(options, runContext(ctx));
      // The id follows from the call, so a call replayed after a crash finds its record instead of adding a twin.
      const id = `tool-${createHash("sha256").update(`${ctx.runId}\u0000${ctx.toolCallId}`).digest("hex").slice(0, 32)}`;
      const existing = await memory.get(scope.tenantId, id);
      if (existing) return { id, kind: existing.kind, saved: true };
      const record = await memory.remember(
        scope.tenantId,
        {
          id,
          namespace: kindNamespace(scope.namespace, kind),
          kind,
          text,
          provenance: {
            sessionId: ctx.sessionId,
            runId: ctx.runId,
            eventIds: [ctx.toolCallId],
            source: "tool",
          },
        },
        ctx.signal,
      );
      return { id: record.id, kind: record.kind, saved: true };
    },
  });

  const recall = tool({
    name: "recall",
    description: "Search what is remembered about this user. Returns the most relevant records, best first.",
    input: {
      type: "object",
      properties: {
        query: { type: "string", minLength: 1, maxLength: 1000 },
        limit: { type: "integer", minimum: 1, maximum: 20, description: "Default 5" },
      },
      required: ["query"],
      additionalProperties: false,
    },
    async run(input, ctx) {
      const { query, limit = 5 } = input as { query: string; limit?: number };
      const scope = await resolveScope(options, runContext(ctx));
      const result = await memory.search(
        scope.tenantId,
        { text: query, limit, namespacePrefix: scope.namespace, onEmbeddingError: "bm25" },
        ctx.signal,
      );
      return {
        mode: result.mode,
        records: result.hits.map((h) => ({
          id: h.record.id,
          kind: h.record.kind,
          text: h.record.text,
          date: new Date(h.record.createdAt).toISOString().slice(0, 10),
        })),
      };
    },
  });

  const forget = tool({
    name: "forget",
    description: "Delete a remembered record (by the id shown in memory or returned by recall) everywhere.",
    input: {
      type: "object",
      properties: { id: { type: "string", minLength: 1, maxLength: 200 } },
      required: ["id"],
      additionalProperties: false,
    },
    async run(input, ctx) {
      const { id } = input as { id: string };
      const scope = await resolveScope(options, runContext(ctx));
      const record = await memory.get(scope.tenantId, id);
      const root = normalizePrefix(scope.namespace);
      // Only this actor's records: an id from elsewhere in the tenant is treated as unknown.
      if (!record || (record.namespace !== root && !record.namespace.startsWith(`${root}/`)))
        return { deleted: 0, reason: `No record ${id} in this user's memory` };
      return { deleted: await memory.forget(scope.tenantId, id) };
    },
  });

  return [remember, recall, forget];
}
