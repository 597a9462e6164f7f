import type { Hono } from "hono";
import type { Logger } from "pino";
import type { AgentRegistry } from "../agents/registry.ts";
import type { TenantRunLimiter } from "../limits/tenant-run-limiter.ts";
import type { HostedMemory } from "../memory/hosted-memory.ts";
import type { RunManager } from "../runs/run-manager.ts";
import type { SessionLimits } from "../sessions/session-limits.ts";
import type { Store } from "../store/store.ts";

/** What every route handler may use. */
export interface RuntimeServices {
  store: Store;
  agents: AgentRegistry;
  runs: RunManager;
  limits: SessionLimits;
  logger: Logger;
  now: () => number;
  /** Caps runs in flight per tenant (429 `tenant_run_limit`). */
  tenantRuns: TenantRunLimiter;
  /** Interval of SSE comment lines that keep idle streams alive through proxies; 0 turns them off. */
  sseHeartbeatMs: number;
  /** Long-term memory, when mounted. */
  memory?: HostedMemory;
}

/** Per-request values set by the middleware. */
export interface RuntimeEnv {
  Variables: {
    requestId: string;
    /** The authenticated tenant: every read and write of the request is scoped to it. */
    tenantId: string;
    /** Id of the API key used; absent in dev mode without a key. */
    keyId?: string;
    /** The run this request started, for the request log line. */
    runId?: string;
  };
}

export type RuntimeApp = Hono<RuntimeEnv>;
