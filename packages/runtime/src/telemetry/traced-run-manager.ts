import type { Usage } from "@skein/core";
import type { HostedAgent } from "../agents/registry.ts";
import { RunManager } from "../runs/run-manager.ts";
import type { RunManagerOptions, StartedRun, StartRunParams } from "../runs/run-types.ts";
import type { Run } from "../store/store.ts";
import type { RuntimeTelemetry } from "./runtime-telemetry.ts";

/**
 * The run manager with every run it starts or resumes traced and metered, and every run it settles written to the
 * usage ledger with its whole usage (a run resumed after a restart counts its steps from before it too).
 */
export class TracedRunManager extends RunManager {
  private readonly telemetry: RuntimeTelemetry;

  constructor(options: RunManagerOptions, telemetry: RuntimeTelemetry) {
    super(options);
    this.telemetry = telemetry;
    telemetry.metrics.trackActiveRuns(() => this.activeCount);
  }

  override start(params: StartRunParams): Promise<StartedRun> {
    return super.start({ ...params, agent: this.telemetry.instrument(params.agent, params.tenantId) });
  }

  protected override runSettled(run: Run): void {
    this.telemetry.runSettled(run);
  }

  protected override agentForResume(agent: HostedAgent, tenantId: string, priorUsage: Usage): HostedAgent {
    return this.telemetry.instrument(agent, tenantId, priorUsage);
  }
}
