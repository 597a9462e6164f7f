import { expect } from "vitest";
import type { Run, Session, Store } from "../../../src/store/store.ts";

/** What each part of the suite works with; `store` and `clock` are fresh for every test. */
export interface ConformanceContext {
  store: Store;
  /** The store's clock (epoch ms); tests move it forward. */
  clock: number;
  readonly A: string;
  readonly B: string;
  /** Creates a session expiring a minute from the clock. */
  session(tenantId: string, id: string, extra?: { actorId?: string; agent?: string }): Promise<Session>;
  run(tenantId: string, sessionId: string, id: string, status?: "queued" | "running"): Promise<Run>;
}

export async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toMatchObject({ code });
}
