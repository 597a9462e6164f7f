import { assertNamespace } from "../store/namespace.ts";

/** What the plugin and tools know about a run when they resolve whose memory to use. */
export interface MemoryRunContext {
  runId: string;
  sessionId?: string;
  agent: string;
}

export interface MemoryScopeOptions {
  /** The actor's root namespace for this run (e.g. `actorNamespace(tenant, userId)`): searched and written under. */
  namespace: (ctx: MemoryRunContext) => string | Promise<string>;
  /** Default `default`. The runtime passes a function mapping the session to its tenant. */
  tenantId?: string | ((ctx: MemoryRunContext) => string | Promise<string>);
}

export interface ResolvedScope {
  tenantId: string;
  namespace: string;
  sessionId?: string;
}

export async function resolveScope(
  options: MemoryScopeOptions,
  ctx: MemoryRunContext,
): Promise<ResolvedScope> {
  const tenantId =
    typeof options.tenantId === "function" ? await options.tenantId(ctx) : (options.tenantId ?? "default");
  const namespace = assertNamespace(await options.namespace(ctx));
  return ctx.sessionId ? { tenantId, namespace, sessionId: ctx.sessionId } : { tenantId, namespace };
}
