import type { Message, Plugin } from "@skein/core";
import type { Logger } from "pino";
import type { AgentRegistry, HostedAgent } from "../agents/registry.ts";
import type { SessionLimits } from "../sessions/session-limits.ts";
import type { Run, Session, Store } from "../store/store.ts";

/** What an invocation on a session that already has a run in flight does: wait its turn, or get 409. */
export type OnBusy = "queue" | "reject";

export interface RunManagerOptions {
  store: Store;
  agents: AgentRegistry;
  logger: Logger;
  limits: SessionLimits;
  now?: () => number;
  /** Plugins added to each run of the session, started or resumed (long-term memory, say). */
  runPlugins?: (session: Session) => Plugin[];
}

export interface StartRunParams {
  tenantId: string;
  session: Session;
  agent: HostedAgent;
  input: Message[];
  /** Default `reject` (409 `session_busy`). */
  onBusy?: OnBusy;
}

export interface StartedRun {
  /** `running`, or `queued` behind the session's run in flight. */
  run: Run;
  /** Resolves with the run as stored once it has ended here (never rejects). */
  done: Promise<Run>;
}

export interface RecoveryReport {
  /** Runs continuing from their last committed step. */
  resumed: Run[];
  /** Runs that could not safely continue, ended `interrupted` with the reason. */
  interrupted: Run[];
  /** Queued runs waiting again for their session. */
  requeued: Run[];
}

export interface ShutdownOptions {
  /** How long runs get to commit the step in flight before they are suspended where they are (default 10 s). */
  graceMs?: number;
}
