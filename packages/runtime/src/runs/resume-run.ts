import type { ErrorInfo, Model } from "@skein/core";
import type { AgentRegistry, HostedAgent } from "../agents/registry.ts";
import type { NewSessionEvent, Run, Store } from "../store/store.ts";
import { type ToolCallRecord, toolCallKey, toolStartKey } from "./durable-tools.ts";
import { planResume, RESUME_EVENT_TYPES, type ResumePlan } from "./resume-plan.ts";

export type ResumeDecision =
  | {
      kind: "resume";
      agent: HostedAgent;
      model: Model;
      plan: ResumePlan;
      /** A turn whose streamed deltas were committed but which never ended: announce they are discarded. */
      discardTurn?: number;
    }
  | { kind: "interrupt"; error: ErrorInfo };

const interrupt = (code: string, message: string): ResumeDecision => ({
  kind: "interrupt",
  error: { code, message },
});

/**
 * Decides whether a run a stopped process left can continue, and from where. Unsafe: the agent or its model is
 * gone, or a non-idempotent tool call started (its start marker is stored) without a recorded outcome.
 */
export async function decideResume(store: Store, agents: AgentRegistry, run: Run): Promise<ResumeDecision> {
  const agent = agents.get(run.agent);
  if (!agent)
    return interrupt(
      "agent_not_found",
      `The server stopped during this run and no longer hosts the agent "${run.agent}", so it cannot continue.`,
    );
  const model = agents.modelFor(agent);
  if (!model)
    return interrupt(
      "model_not_configured",
      `The server stopped during this run and the agent "${agent.name}" has no model now. ${agents.modelHint}`,
    );
  const [stored, events] = await Promise.all([
    store.listHistory(run.tenantId, run.sessionId),
    store.listEvents(run.tenantId, run.sessionId, { runId: run.id, types: RESUME_EVENT_TYPES }),
  ]);
  if (!events.some((e) => e.type === "run-start"))
    return interrupt(
      "run_not_started",
      "The server stopped before the run's input was committed, so there is nothing to resume; invoke again.",
    );
  const plan = planResume(stored, events);
  if (plan.replay) {
    const turn = plan.turnOffset + 1;
    const tools = new Map(agent.tools.map((t) => [t.name, t]));
    for (const call of plan.pending) {
      const record = await store.getIdempotencyRecord(run.tenantId, toolCallKey(run.id, turn, call.id));
      if (record) {
        const outcome = record.result as ToolCallRecord;
        plan.replay.recorded.set(call.id, { content: outcome.content, isError: outcome.isError });
        continue;
      }
      if (tools.get(call.name)?.idempotent !== false) continue;
      if (await store.getIdempotencyRecord(run.tenantId, toolStartKey(run.id, turn, call.id)))
        return interrupt(
          "resume_unsafe",
          `The server stopped while tool "${call.name}" (call ${call.id}) was running and no result was recorded. ` +
            "The tool is not idempotent, so it is not run again and the run cannot continue.",
        );
    }
  }
  let discardTurn: number | undefined;
  if (plan.unfinishedTurn) {
    const deltas = await store.listEvents(run.tenantId, run.sessionId, {
      runId: run.id,
      afterSeq: plan.unfinishedTurn.seq,
      types: ["text-delta", "reasoning-delta"],
      limit: 1,
    });
    if (deltas.length > 0) discardTurn = plan.unfinishedTurn.turn;
  }
  return { kind: "resume", agent, model, plan, discardTurn };
}

/**
 * What a resume appends before the loop goes on: `turn-discarded` for a turn whose deltas were streamed but which
 * never ended (readers drop those deltas, as after a model retry), then `run-resumed` with where the run goes on.
 */
export function resumeEvents(run: Run, turn: number, discardTurn?: number): NewSessionEvent[] {
  const events: NewSessionEvent[] = [];
  if (discardTurn !== undefined) {
    const error = {
      code: "server_restarted",
      message: "The server stopped during this turn; it runs again.",
    };
    const data = { type: "turn-discarded", runId: run.id, turn: discardTurn, error };
    events.push({ type: data.type, runId: run.id, data });
  }
  const after = run.status === "running" ? "crash" : "shutdown";
  const data = { type: "run-resumed", runId: run.id, after, turn };
  events.push({ type: data.type, runId: run.id, data });
  return events;
}
