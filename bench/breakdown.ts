/**
 * Where Skein's per-step overhead goes (diagnostic). The network is taken out with an in-memory `fetch`
 * answering the same bytes as the mock server, then the model adapter alone (`model.stream()` for the three
 * requests of a run) is set against the whole agent. A fake model with no wire format at all isolates the loop.
 */
import {
  Agent,
  type Message,
  type Model,
  type ModelEvent,
  type ModelRequest,
  openaiCompatible,
  tool,
} from "@skein/core";
import { z } from "zod";
import { inMemoryFetch } from "./in-memory-fetch.ts";
import { knobsURL, scriptTurn } from "./mock-wire.ts";
import { rawFetchAgent } from "./raw-fetch-agent.ts";
import {
  API_KEY,
  computeRatio,
  getAiInvestment,
  INSTRUCTIONS,
  MODEL_NAME,
  TOOL_SPECS,
  USER_INPUT,
} from "./scenario.ts";
import type { BenchOptions, Section } from "./section.ts";
import { log } from "./section.ts";
import { skeinAgent } from "./skein/skein-agent.ts";
import { fmtMs, fmtRatio, fmtSpread, table } from "./stats.ts";
import { type Contender, interleave, type StepResult } from "./step-overhead.ts";

const STEPS = 3;
const knobs = { toolTurns: 2, parallel: 1, chunks: 8, argChunks: 2, ttftMs: 0, itlMs: 0 };

/** The three requests of a run, as Skein messages, so the adapter can be driven without the loop. */
function runRequests(): ModelRequest[] {
  const messages: Message[] = [{ role: "user", content: USER_INPUT }];
  const requests: ModelRequest[] = [];
  const tools = TOOL_SPECS.map((t) => ({
    name: t.name,
    description: t.description,
    parameters: { ...t.parameters },
  }));
  for (let turn = 0; turn <= knobs.toolTurns; turn++) {
    requests.push({ system: INSTRUCTIONS, messages: [...messages], tools });
    const calls = scriptTurn(knobs, turn).toolCalls ?? [];
    messages.push({ role: "assistant", content: "", toolCalls: calls });
    for (const call of calls)
      messages.push({ role: "tool", toolCallId: call.id, name: call.name, content: "{}" });
  }
  return requests;
}

/** A model that replays the scripted turns as ModelEvents, with no wire format: the loop alone. */
function fakeModel(): Model {
  const usage = { inputTokens: 1, outputTokens: 1, totalTokens: 2 };
  const turns: ModelEvent[][] = [0, 1, 2].map((t) => {
    const turn = scriptTurn(knobs, t);
    const events: ModelEvent[] = (turn.toolCalls ?? []).map((call) => ({ type: "tool-call", call }));
    for (const text of turn.text ?? []) events.push({ type: "text-delta", text });
    events.push({ type: "usage", usage }, { type: "finish", reason: turn.toolCalls ? "tool-calls" : "stop" });
    return events;
  });
  return {
    id: "fake",
    provider: "fake",
    async *stream(request) {
      yield* turns[request.messages.filter((m) => m.role === "assistant").length]!;
    },
  };
}

/** The least loop over `fakeModel`: what any agent must do (collect calls, run tools, append messages). */
function handLoop(model: Model): Contender["run"] {
  const impls: Record<string, (input: any) => unknown> = {
    get_ai_investment: getAiInvestment,
    compute_ratio: computeRatio,
  };
  return async (input) => {
    const messages: Message[] = [{ role: "user", content: input }];
    for (;;) {
      let text = "";
      const calls: { id: string; name: string; arguments: string }[] = [];
      for await (const e of model.stream({ system: INSTRUCTIONS, messages })) {
        if (e.type === "text-delta") text += e.text;
        else if (e.type === "tool-call") calls.push(e.call);
      }
      if (calls.length === 0) return text;
      const results = await Promise.all(
        calls.map(async (c) => JSON.stringify(impls[c.name]!(JSON.parse(c.arguments)))),
      );
      messages.push({ role: "assistant", content: text, toolCalls: calls });
      for (const [i, c] of calls.entries()) {
        messages.push({ role: "tool", toolCallId: c.id, name: c.name, content: results[i]! });
      }
    }
  };
}

function skeinOverFake(model: Model): Contender["run"] {
  const agent = new Agent({
    name: "analyst",
    instructions: INSTRUCTIONS,
    model,
    tools: [
      tool({
        name: TOOL_SPECS[0]!.name,
        description: "",
        input: z.object({ company: z.string() }),
        run: getAiInvestment,
      }),
      tool({
        name: TOOL_SPECS[1]!.name,
        description: "",
        input: z.object({ numerator: z.number(), denominator: z.number() }),
        run: computeRatio,
      }),
    ],
  });
  return async (input) => (await agent.run(input)).text;
}

export async function breakdown({ quick }: BenchOptions): Promise<Section> {
  const settings = quick
    ? { warmup: 500, rounds: 6, perRound: 300 }
    : { warmup: 2000, rounds: 20, perRound: 1000 };
  const url = knobsURL("http://in-memory.invalid", knobs);
  const memFetch = inMemoryFetch();
  const model = openaiCompatible({ baseURL: url, apiKey: API_KEY, model: MODEL_NAME, fetch: memFetch });
  const requests = runRequests();
  const adapterOnly: Contender["run"] = async () => {
    let text = "";
    for (const request of requests)
      for await (const e of model.stream(request)) if (e.type === "text-delta") text += e.text;
    return text;
  };
  log("breakdown: in-memory transport");
  const wire = await interleave(
    [
      { name: "raw fetch loop (in-memory fetch)", run: rawFetchAgent(url, memFetch).run },
      { name: "Skein adapter only: `model.stream()` x3", run: adapterOnly },
      { name: "Skein agent (in-memory fetch)", run: skeinAgent(url, memFetch).run },
    ],
    settings,
  );
  log("breakdown: loop over a fake model");
  const fake = fakeModel();
  const loop = await interleave(
    [
      { name: "hand loop over a fake model", run: handLoop(fake) },
      { name: "Skein agent over the same fake model", run: skeinOverFake(fake) },
    ],
    settings,
  );
  const rows = (results: StepResult[]) =>
    results.map((r) => [
      r.name,
      fmtSpread(r.perRun),
      fmtMs(r.perRun.median / STEPS),
      fmtMs(r.cpuPerRun / STEPS),
      fmtRatio(r.perRun.median / results[0]!.perRun.median),
    ]);
  const header = ["contender", "wall per run: median (p10–p90)", "wall per step", "CPU per step", "ratio"];
  const markdown = [
    `${settings.rounds} interleaved rounds of ${settings.perRound} runs after ${settings.warmup} warm-up runs each.`,
    "",
    "No sockets: an in-memory `fetch` returns the mock server's exact bytes as a WHATWG `Response`.",
    "",
    table(header, rows(wire)),
    "",
    "No wire format: a fake `Model` yields the scripted turns as ModelEvents; the baseline is the least loop.",
    "",
    table(header, rows(loop)),
  ].join("\n");
  return {
    id: "breakdown",
    title: "Where the per-step overhead goes (diagnostic)",
    command: `npm run bench -- --only=breakdown${quick ? " --quick" : ""}`,
    markdown,
    data: { settings, wire, loop },
  };
}
