/**
 * The model's side of the benchmark conversation in the Chat Completions wire format (DashScope / OpenAI, as in
 * `shared/fixtures/qwen`), independent of any transport: the mock HTTP server and the in-memory fetch both
 * answer through `WireResponder`. The conversation is scripted from the request alone (turn = number of
 * assistant messages sent), so any number of runs can share one responder.
 */
import { COMPANIES, FINAL_ANSWER, getAiInvestment, INVESTMENT_TOOL, RATIO_TOOL } from "./scenario.ts";

export interface Knobs {
  /** Tool-calling turns before the final answer. */
  toolTurns: number;
  /** Tool calls per tool-calling turn (parallel tool calls). */
  parallel: number;
  /** Chunks carrying the final answer's text. */
  chunks: number;
  /** Pieces each tool call's arguments are split into. */
  argChunks: number;
  /** Delay before the first chunk (time to first token). */
  ttftMs: number;
  /** Delay between two chunks. */
  itlMs: number;
}

export const defaultKnobs: Knobs = {
  toolTurns: 2,
  parallel: 1,
  chunks: 8,
  argChunks: 2,
  ttftMs: 0,
  itlMs: 0,
};

/** The base URL (ending in `/v1`) that selects these knobs on a server at `origin`. */
export function knobsURL(origin: string, knobs: Partial<Knobs> = {}): string {
  const set = Object.entries(knobs).filter(([, v]) => v !== undefined);
  return set.length === 0 ? `${origin}/v1` : `${origin}/k/${set.map(([k, v]) => `${k}=${v}`).join(",")}/v1`;
}

export function parseKnobs(segment: string | undefined): Knobs {
  const knobs = { ...defaultKnobs };
  if (!segment) return knobs;
  for (const pair of segment.split(",")) {
    const [key, value] = pair.split("=");
    if (key && key in knobs) knobs[key as keyof Knobs] = Number(value);
  }
  return knobs;
}

/** Matches a Chat Completions path; group 1 is the knobs segment. */
export const CHAT_PATH = /^(?:\/k\/([^/]*))?(?:\/v1)?\/chat\/completions$/;

export interface Turn {
  toolCalls?: { id: string; name: string; arguments: string }[];
  text?: string[];
}

const WORDS = FINAL_ANSWER.split(" ");

/** The model's side of the scripted conversation, at turn `turn` (0-based). */
export function scriptTurn(knobs: Knobs, turn: number): Turn {
  if (turn >= knobs.toolTurns) {
    const text: string[] = [];
    if (knobs.chunks <= WORDS.length) {
      const per = Math.ceil(WORDS.length / Math.max(1, knobs.chunks));
      for (let i = 0; i < WORDS.length; i += per)
        text.push(`${i === 0 ? "" : " "}${WORDS.slice(i, i + per).join(" ")}`);
    } else {
      for (let i = 0; i < knobs.chunks; i++) text.push(`${i === 0 ? "" : " "}${WORDS[i % WORDS.length]}`);
    }
    return { text };
  }
  const toolCalls = [];
  for (let i = 0; i < knobs.parallel; i++) {
    const id = `call_${turn}_${i}_${"0".repeat(16)}`;
    const args =
      turn % 2 === 0
        ? { company: COMPANIES[i % COMPANIES.length]! }
        : { numerator: getAiInvestment({ company: "Alibaba" }).usdBn, denominator: 38 };
    const name = turn % 2 === 0 ? INVESTMENT_TOOL.name : RATIO_TOOL.name;
    toolCalls.push({ id, name, arguments: JSON.stringify(args) });
  }
  return { toolCalls };
}

const CREATED = 1763900000;

// The id differs per turn: some frameworks (LangGraph's message reducer) merge messages that share an id.
const envelope = (model: string, turn: number) => ({
  object: "chat.completion.chunk",
  usage: null,
  created: CREATED,
  system_fingerprint: null,
  model,
  id: `chatcmpl-bench-${turn}`,
});

const chunk = (model: string, turn: number, delta: unknown, finish: string | null = null): string =>
  `data: ${JSON.stringify({ choices: [{ delta, finish_reason: finish, index: 0, logprobs: null }], ...envelope(model, turn) })}\n\n`;

function splitEven(text: string, pieces: number): string[] {
  const out: string[] = [];
  const size = Math.max(1, Math.ceil(text.length / Math.max(1, pieces)));
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** The SSE events of one streamed turn, without the usage chunk and `[DONE]` (added per request). */
function streamEvents(model: string, turn: Turn, turnIndex: number, knobs: Knobs): string[] {
  const chunkOf = (delta: unknown, finish: string | null = null) => chunk(model, turnIndex, delta, finish);
  const events = [chunkOf({ content: "", role: "assistant" })];
  if (turn.toolCalls) {
    turn.toolCalls.forEach((call, index) => {
      const head = { index, id: call.id, type: "function", function: { name: call.name, arguments: "" } };
      events.push(chunkOf({ content: null, tool_calls: [head] }));
      for (const piece of splitEven(call.arguments, knobs.argChunks)) {
        const more = { index, id: "", type: "function", function: { arguments: piece } };
        events.push(chunkOf({ content: null, tool_calls: [more] }));
      }
    });
    events.push(chunkOf({ content: null }, "tool_calls"));
  } else {
    for (const piece of turn.text ?? []) events.push(chunkOf({ content: piece }));
    events.push(chunkOf({ content: "" }, "stop"));
  }
  return events;
}

function usageOf(requestBytes: number, turn: Turn) {
  const prompt = Math.ceil(requestBytes / 4);
  const completion = turn.toolCalls ? 20 * turn.toolCalls.length : (turn.text?.length ?? 0);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

function completionBody(model: string, turn: Turn, turnIndex: number, usage: unknown): string {
  const message: Record<string, unknown> = {
    content: turn.text ? turn.text.join("") : "",
    role: "assistant",
  };
  if (turn.toolCalls) {
    message.tool_calls = turn.toolCalls.map((c, index) => ({
      index,
      id: c.id,
      type: "function",
      function: { name: c.name, arguments: c.arguments },
    }));
  }
  const finish = turn.toolCalls ? "tool_calls" : "stop";
  const { usage: _, object: __, ...rest } = envelope(model, turnIndex);
  return JSON.stringify({
    choices: [{ message, finish_reason: finish, index: 0, logprobs: null }],
    object: "chat.completion",
    usage,
    ...rest,
  });
}

export type WireReply =
  | { kind: "error"; status: number; body: string }
  | { kind: "json"; knobs: Knobs; turnIndex: number; body: string }
  | { kind: "sse"; knobs: Knobs; turnIndex: number; head: Buffer; events: string[]; tail: string };

export const errorBody = (message: string): string =>
  JSON.stringify({ error: { message, type: "invalid_request_error", code: null }, request_id: "bench" });

/** Answers Chat Completions requests; the streamed bodies are built once per (model, knobs, turn) and cached. */
export class WireResponder {
  private readonly cache = new Map<string, { head: Buffer; events: string[]; turn: Turn }>();

  reply(segment: string | undefined, raw: string | Buffer): WireReply & { request?: any } {
    let body: any;
    try {
      body = JSON.parse(raw.toString());
    } catch {
      return { kind: "error", status: 400, body: errorBody("Request body is not JSON") };
    }
    if (!Array.isArray(body?.messages))
      return { kind: "error", status: 400, body: errorBody("messages is required") };
    const knobs = parseKnobs(segment);
    const turnIndex = body.messages.filter((m: any) => m?.role === "assistant").length;
    const model = typeof body.model === "string" ? body.model : "bench-model";
    const key = `${model}|${segment ?? ""}|${turnIndex}`;
    let entry = this.cache.get(key);
    if (!entry) {
      const turn = scriptTurn(knobs, turnIndex);
      const events = streamEvents(model, turn, turnIndex, knobs);
      entry = { head: Buffer.from(events.join("")), events, turn };
      this.cache.set(key, entry);
    }
    const usage = usageOf(Buffer.byteLength(raw), entry.turn);
    if (body.stream !== true) {
      return {
        kind: "json",
        knobs,
        turnIndex,
        body: completionBody(model, entry.turn, turnIndex, usage),
        request: body,
      };
    }
    const usageChunk = `data: ${JSON.stringify({ choices: [], ...envelope(model, turnIndex), usage })}\n\n`;
    const tail = (body.stream_options?.include_usage === true ? usageChunk : "") + "data: [DONE]\n\n";
    return { kind: "sse", knobs, turnIndex, head: entry.head, events: entry.events, tail, request: body };
  }
}
