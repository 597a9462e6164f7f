/**
 * The agent every runtime benchmark hosts: the benchmark analyst of `bench/skein/skein-agent.ts` (same
 * instructions, same two tools), with one of three models, all doubles at the model boundary:
 *   - `mock`: the mock OpenAI-compatible server (`bench/mock-server.ts`, its own process) over HTTP;
 *   - `scripted`: `scriptedModel` in-process, for the pure framework cost (no sockets to a model);
 *   - `stall`: a provider double that never answers (runs and their streams stay open).
 */
import { Agent, type Model, type ModelRequest } from "@skein/core";
import { type ScriptedTurn, scriptedModel } from "@skein/core/testing";
import { knobsURL } from "../mock-server.ts";
import { COMPANIES, FINAL_ANSWER } from "../scenario.ts";
import { skeinAgent } from "../skein/skein-agent.ts";

export type ModelKind = "mock" | "scripted" | "stall";

export interface BenchAgentConfig {
  model: ModelKind;
  /** Tool-calling turns before the answer: 0 = one model call; 2 = the 3-step scenario of the SDK benchmarks. */
  toolTurns: number;
  /** Origin of the mock model server (model `mock`). */
  mockOrigin?: string;
}

/** Chunks of the answer: 8, as the mock server streams it by default. */
const chunkSize = Math.ceil(FINAL_ANSWER.length / 8);

/** The scripted side of the conversation at turn `turn` (as the mock server's script). */
function scriptedTurn(turn: number, toolTurns: number): ScriptedTurn {
  if (turn >= toolTurns) return { text: FINAL_ANSWER, usage: { inputTokens: 120, outputTokens: 24 } };
  const name = turn % 2 === 0 ? "get_ai_investment" : "compute_ratio";
  const args = turn % 2 === 0 ? { company: COMPANIES[0] } : { numerator: 53, denominator: 38 };
  return {
    toolCalls: [{ id: `call_${turn}`, name, arguments: args }],
    usage: { inputTokens: 100, outputTokens: 12 },
  };
}

/**
 * A model that answers any number of runs: each call plays one fresh `scriptedModel` turn, chosen by the number
 * of assistant messages in the request (a fresh one per call, since a scripted model records every request).
 */
export function endlessScriptedModel(toolTurns: number): Model {
  return {
    id: "scripted-bench",
    provider: "scripted",
    stream(request: ModelRequest, signal?: AbortSignal) {
      const turn = request.messages.filter((m) => m.role === "assistant").length;
      return scriptedModel([scriptedTurn(turn, toolTurns)], { chunkSize }).stream(request, signal);
    },
  };
}

/**
 * Double of a provider that never answers: each call waits until its run is aborted, so the run and any stream of
 * it stay open. Unlike `scriptedModel({ hang: true })` it keeps no copy of the request, so the memory measured is
 * the runtime's, not the double's.
 */
export function stallingModel(): Model {
  return {
    id: "stalling-bench",
    provider: "scripted",
    async *stream(_request: ModelRequest, signal?: AbortSignal): AsyncGenerator<never> {
      await new Promise<never>((_, reject) => {
        signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
      });
    },
  };
}

export function benchAgent(config: BenchAgentConfig): Agent {
  if (config.model === "mock") {
    if (!config.mockOrigin) throw new Error("model mock needs mockOrigin");
    return skeinAgent(knobsURL(config.mockOrigin, { toolTurns: config.toolTurns })).agent;
  }
  const base = skeinAgent("http://127.0.0.1:9/v1").agent; // only its name, instructions and tools
  return new Agent({
    name: base.name,
    instructions: base.instructions,
    tools: [...base.tools],
    model: config.model === "stall" ? stallingModel() : endlessScriptedModel(config.toolTurns),
  });
}
