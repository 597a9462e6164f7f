import { SkeinError } from "@skein/core";
import type { RunStatus } from "./store.ts";

/** A row with this identity already exists (tenant, session, api key). */
export class AlreadyExistsError extends SkeinError {
  constructor(what: string, id: string) {
    super("already_exists", `${what} ${id} already exists`);
  }
}

export class SessionNotFoundError extends SkeinError {
  readonly sessionId: string;
  constructor(sessionId: string) {
    super("session_not_found", `session ${sessionId} not found`);
    this.sessionId = sessionId;
  }
}

export class RunNotFoundError extends SkeinError {
  readonly runId: string;
  constructor(runId: string) {
    super("run_not_found", `run ${runId} not found`);
    this.runId = runId;
  }
}

/** The session already has a running run (one run at a time per session). */
export class SessionBusyError extends SkeinError {
  readonly sessionId: string;
  constructor(sessionId: string) {
    super("session_busy", `session ${sessionId} already has a running run`);
    this.sessionId = sessionId;
  }
}

export class InvalidRunTransitionError extends SkeinError {
  readonly from: RunStatus;
  readonly to: RunStatus;
  constructor(runId: string, from: RunStatus, to: RunStatus) {
    super("invalid_run_transition", `run ${runId} cannot go from ${from} to ${to}`);
    this.from = from;
    this.to = to;
  }
}

/** Progress was written for a run that is no longer running (cancelled, interrupted or ended elsewhere). */
export class RunNotActiveError extends SkeinError {
  readonly status: RunStatus;
  constructor(runId: string, status: RunStatus) {
    super("run_not_active", `run ${runId} is ${status}, not running`);
    this.status = status;
  }
}

export class TenantNotFoundError extends SkeinError {
  constructor(tenantId: string) {
    super("tenant_not_found", `tenant ${tenantId} not found`);
  }
}

/** The database was migrated by a newer Skein than this one. */
export class SchemaTooNewError extends SkeinError {
  constructor(found: number, known: number) {
    super("schema_too_new", `database schema version ${found} is newer than this runtime knows (${known})`);
  }
}

/** A pagination cursor that this store did not produce. */
export class InvalidCursorError extends SkeinError {
  constructor() {
    super("invalid_cursor", "the pagination cursor is not valid");
  }
}

/** A fork point before the first event or after the session's last one. */
export class ForkPointOutOfRangeError extends SkeinError {
  constructor(sessionId: string, atSeq: number, lastSeq: number) {
    super(
      "fork_point_out_of_range",
      `session ${sessionId} has events 1..${lastSeq}; it cannot be forked at event ${atSeq}`,
    );
  }
}
