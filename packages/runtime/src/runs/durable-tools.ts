import type { AnyTool, Plugin } from "@skein/core";
import type { Store } from "../store/store.ts";
import type { ReplayModel } from "./replay-model.ts";
import type { ReplayTurn, ToolOutcome } from "./resume-plan.ts";

/** The idempotency key of one tool call: run, the run's turn and the model's call id (ids may repeat per turn). */
export const toolCallKey = (runId: string, turn: number, callId: string): string =>
  `tool:${runId}:${turn}:${callId}`;

/** Written before a non-idempotent tool starts: "it may have run". */
export const toolStartKey = (runId: string, turn: number, callId: string): string =>
  `${toolCallKey(runId, turn, callId)}:started`;

/** What an idempotency record of a tool call holds. */
export interface ToolCallRecord extends ToolOutcome {
  code?: string;
}

export interface DurableToolsOptions {
  store: Store;
  tenantId: string;
  runId: string;
  tools: readonly AnyTool[];
  /** The loop's turn n is the run's turn n + this (a resumed loop counts from 1 again). */
  turnOffset?: number;
  /** The loop's first turn replays this committed turn (a resume). */
  replay?: { turn: ReplayTurn; model: ReplayModel };
}

/** The names of the tools that must not run twice, once per tool list (an agent's), not once per run. */
const nonIdempotentByTools = new WeakMap<readonly AnyTool[], ReadonlySet<string>>();
function nonIdempotentNames(tools: readonly AnyTool[]): ReadonlySet<string> {
  let names = nonIdempotentByTools.get(tools);
  if (!names) {
    names = new Set(tools.filter((t) => t.idempotent === false).map((t) => t.name));
    nonIdempotentByTools.set(tools, names);
  }
  return names;
}

/**
 * Per-run plugin that makes tool calls durable. After a call ends (last among the after-tool-call hooks, so
 * hooks that retry or rewrite have had their say) its outcome is recorded under the call's idempotency key before
 * the loop goes on; a non-idempotent tool gets a start marker before it runs. On resume, a call with a committed or
 * recorded outcome is given that outcome instead of running again. Cancellations are not recorded: the call never
 * finished, so it runs again on resume (or, non-idempotent, makes the resume unsafe).
 */
export function durableTools(options: DurableToolsOptions): Plugin {
  const { store, tenantId, runId, replay } = options;
  const offset = options.turnOffset ?? 0;
  const nonIdempotent = nonIdempotentNames(options.tools);
  let loopTurn = 0;
  // Only a resumed turn supplies outcomes: most runs never need the set.
  let supplied: Set<string> | undefined;
  const replaying = () => replay !== undefined && loopTurn === 1;
  const put = (key: string, result: unknown) =>
    store.putIdempotencyRecord({ tenantId, key, runId, result }).then(() => undefined);

  return {
    name: "skein-durable-tools",
    hooks: {
      "turn-start": (event) => {
        loopTurn = event.turn;
        supplied?.clear();
      },
      "before-model-call": (event) => {
        if (replay && event.turn === 1) replay.model.arm();
      },
      "before-tool-call": async (event) => {
        if (event.deny !== undefined || event.result !== undefined) return;
        const id = event.call.id;
        const outcome = replaying()
          ? (replay!.turn.committed.get(id) ?? replay!.turn.recorded.get(id))
          : undefined;
        if (outcome) {
          supplied ??= new Set();
          supplied.add(id);
          // An error outcome goes back as a refusal: the loop then builds the same error tool message.
          if (outcome.isError) event.deny = outcome.content;
          else event.result = outcome.content;
          return;
        }
        if (nonIdempotent.has(event.call.name))
          await put(toolStartKey(runId, loopTurn + offset, id), { started: true });
      },
      "after-tool-call": async (event) => {
        if (event.retry || supplied?.has(event.call.id)) return;
        if (event.isError && event.error?.code === "tool_cancelled") return;
        const record: ToolCallRecord = { content: event.content, isError: event.isError };
        if (event.error) record.code = event.error.code;
        await put(toolCallKey(runId, loopTurn + offset, event.call.id), record);
      },
    },
  };
}
