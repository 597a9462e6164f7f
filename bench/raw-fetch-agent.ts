/**
 * The baseline: a hand-written tool loop over raw `fetch`, sending the same streamed Chat Completions requests
 * as the frameworks and parsing the SSE reply with the least work that is still correct. No validation, no
 * events, no retries: the floor any framework is measured against.
 */
import { API_KEY, computeRatio, getAiInvestment, INSTRUCTIONS, MODEL_NAME, TOOL_SPECS } from "./scenario.ts";

interface WireCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

const TOOLS = TOOL_SPECS.map((t) => ({ type: "function", function: t }));

const IMPLS: Record<string, (input: any) => unknown> = {
  get_ai_investment: getAiInvestment,
  compute_ratio: computeRatio,
};

export interface RawAgent {
  run(input: string): Promise<string>;
  /** Streams the run, calling `onText` for each text piece; resolves with the final text. */
  stream(input: string, onText: (text: string) => void): Promise<string>;
}

export function rawFetchAgent(baseURL: string, fetchImpl: typeof fetch = fetch): RawAgent {
  const url = `${baseURL}/chat/completions`;
  const headers = { "content-type": "application/json", authorization: `Bearer ${API_KEY}` };

  async function loop(input: string, onText?: (text: string) => void): Promise<string> {
    const messages: unknown[] = [
      { role: "system", content: INSTRUCTIONS },
      { role: "user", content: input },
    ];
    for (let turn = 0; turn < 20; turn++) {
      const response = await fetchImpl(url, {
        method: "POST",
        headers,
        body: JSON.stringify({
          model: MODEL_NAME,
          messages,
          tools: TOOLS,
          stream: true,
          stream_options: { include_usage: true },
        }),
      });
      if (!response.ok || !response.body) throw new Error(`model answered ${response.status}`);
      let text = "";
      const calls: WireCall[] = [];
      const decoder = new TextDecoder();
      let buffer = "";
      for await (const bytes of response.body) {
        buffer += decoder.decode(bytes, { stream: true });
        let start = 0;
        for (let newline = buffer.indexOf("\n"); newline !== -1; newline = buffer.indexOf("\n", start)) {
          const line = buffer.slice(start, newline);
          start = newline + 1;
          if (!line.startsWith("data: ") || line === "data: [DONE]") continue;
          const delta = JSON.parse(line.slice(6)).choices[0]?.delta;
          if (!delta) continue;
          if (delta.content) {
            text += delta.content;
            onText?.(delta.content);
          }
          for (const piece of delta.tool_calls ?? []) {
            let call = calls[piece.index];
            if (!call) {
              call = {
                id: piece.id,
                type: "function",
                function: { name: piece.function.name, arguments: "" },
              };
              calls[piece.index] = call;
            }
            call.function.arguments += piece.function.arguments ?? "";
          }
        }
        buffer = buffer.slice(start);
      }
      if (calls.length === 0) return text;
      messages.push({ role: "assistant", content: text, tool_calls: calls });
      const results = await Promise.all(
        calls.map(async (call) => IMPLS[call.function.name]!(JSON.parse(call.function.arguments))),
      );
      for (const [i, call] of calls.entries()) {
        messages.push({ role: "tool", tool_call_id: call.id, content: JSON.stringify(results[i]) });
      }
    }
    throw new Error("too many turns");
  }

  return { run: (input) => loop(input), stream: (input, onText) => loop(input, onText) };
}

/** The adapter interface of the peer comparison (`peer-worker.ts`). */
export const createAgent = (baseURL: string): RawAgent => rawFetchAgent(baseURL);
