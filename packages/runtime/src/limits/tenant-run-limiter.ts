import { HttpError } from "../http/problem.ts";

/** Default cap on runs in flight per tenant in one server. */
export const DEFAULT_MAX_RUNS_PER_TENANT = 64;

/**
 * Counts runs in flight per tenant. `acquire` is synchronous, so two requests racing for the last slot cannot
 * both get it.
 */
export class TenantRunLimiter {
  private readonly counts = new Map<string, number>();
  readonly max: number;

  constructor(max: number = DEFAULT_MAX_RUNS_PER_TENANT) {
    if (!(max >= 1)) throw new RangeError("maxRunsPerTenant must be >= 1");
    this.max = max;
  }

  running(tenantId: string): number {
    return this.counts.get(tenantId) ?? 0;
  }

  /** Takes a slot for a new run, or throws 429 `tenant_run_limit`. Call the returned function once the run ends. */
  acquire(tenantId: string): () => void {
    const count = this.running(tenantId);
    if (count >= this.max)
      throw new HttpError(
        429,
        "tenant_run_limit",
        `the tenant already has ${count} runs in flight (at most ${this.max}); retry when one has ended`,
      );
    this.counts.set(tenantId, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = this.running(tenantId) - 1;
      if (left > 0) this.counts.set(tenantId, left);
      else this.counts.delete(tenantId);
    };
  }
}
