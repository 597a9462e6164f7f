/** Session lifetime limits; the defaults follow AgentCore Runtime (15 minutes idle, 8 hours in all). */
export interface SessionLimits {
  idleTimeoutMs: number;
  maxLifetimeMs: number;
}

export const defaultSessionLimits: SessionLimits = {
  idleTimeoutMs: 15 * 60_000,
  maxLifetimeMs: 8 * 60 * 60_000,
};

/** When a session active at `at` expires: idle timeout from now, capped by its maximum lifetime. */
export function sessionExpiry(createdAt: number, at: number, limits: SessionLimits): number {
  return Math.min(at + limits.idleTimeoutMs, createdAt + limits.maxLifetimeMs);
}
