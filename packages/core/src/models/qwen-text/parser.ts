import { randomUUID } from "node:crypto";
import type { ModelEvent, ToolSpec } from "../../model/model.ts";
import { parseToolCallBody } from "./parse-call.ts";

export interface QwenTextParserOptions {
  /** The tools offered: Qwen3-Coder parameter values are typed by their JSON Schema. */
  tools?: readonly ToolSpec[];
  /**
   * Whether the text starts inside a `<think>` block the chat template already opened (thinking models whose
   * output holds only `</think>`). `"auto"` holds the text back until a tag decides it, or the stream ends.
   * Default false: reasoning is only what stands between `<think>` and `</think>`.
   */
  startInReasoning?: boolean | "auto";
  /** Makes tool call ids; default `call_` and 24 random hex digits. */
  generateId?: () => string;
}

/** Turns raw completion text, chunk by chunk, into text, reasoning and complete tool-call events. */
export interface QwenTextParser {
  push(chunk: string): ModelEvent[];
  /** Flushes what is held back; a call whose closing tag never came is still parsed. */
  end(): ModelEvent[];
  /** Tool calls emitted so far. */
  readonly callCount: number;
}

type Mode = "text" | "reasoning" | "call" | "undecided";

const TOOL_CALL = "<tool_call>";
const TOOL_CALL_END = "</tool_call>";
const FUNCTION = "<function=";
const FUNCTION_END = "</function>";
const THINK = "<think>";
const THINK_END = "</think>";
const TEXT_MARKERS = [TOOL_CALL, TOOL_CALL_END, FUNCTION, THINK, THINK_END];

const defaultId = () => `call_${randomUUID().replaceAll("-", "").slice(0, 24)}`;

export function createQwenTextParser(options: QwenTextParserOptions = {}): QwenTextParser {
  const tools = new Map((options.tools ?? []).map((t) => [t.name, t] as const));
  const generateId = options.generateId ?? defaultId;
  const start = options.startInReasoning ?? false;
  let mode: Mode = start === "auto" ? "undecided" : start ? "reasoning" : "text";
  let buffer = "";
  let out: ModelEvent[] = [];
  let callCount = 0;
  // Newlines that only separate a tag from its neighbours, as the chat template writes them, are dropped.
  let trimLeadingText = false;
  let trimLeadingReasoning = true;
  let previousChar = "";
  // The open call: its opening tag (kept to restore the text if it is not a call) and its closing tag.
  let callOpener = "";
  let callCloser = TOOL_CALL_END;
  let callScanFrom = 0;

  const emit = (type: "text-delta" | "reasoning-delta", text: string) => {
    if (text === "") return;
    const last = out.at(-1);
    if (last && last.type === type) (last as { text: string }).text += text;
    else out.push({ type, text });
  };

  const emitText = (raw: string, beforeTag = false) => {
    let text = trimLeadingText ? raw.replace(/^\n+/, "") : raw;
    if (beforeTag) text = text.replace(/\n+$/, "");
    if (text === "") return;
    trimLeadingText = false;
    previousChar = text.at(-1)!;
    emit("text-delta", text);
  };

  const emitReasoning = (raw: string, beforeTag = false) => {
    let text = trimLeadingReasoning ? raw.replace(/^\n+/, "") : raw;
    if (beforeTag) text = text.replace(/\n+$/, "");
    if (text === "") return;
    trimLeadingReasoning = false;
    emit("reasoning-delta", text);
  };

  const finishCall = (body: string, closer: string) => {
    const call = parseToolCallBody(body, tools);
    if (call) {
      out.push({ type: "tool-call", call: { id: generateId(), ...call } });
      callCount++;
      trimLeadingText = true;
      previousChar = "";
    } else {
      // Not a call after all: the model's text is kept as it was written.
      emitText(callOpener + body + closer);
    }
  };

  const openCall = (opener: string, closer: string, bodyStart: string) => {
    mode = "call";
    callOpener = opener;
    callCloser = closer;
    callScanFrom = 0;
    buffer = bodyStart + buffer;
  };

  /** Index of a held-back suffix that may still grow into one of `markers`, with the newlines before it. */
  const holdFrom = (text: string, markers: readonly string[]): number => {
    let from = text.length;
    const lt = text.lastIndexOf("<");
    if (lt !== -1 && markers.some((m) => m.startsWith(text.slice(lt)))) from = lt;
    while (from > 0 && text[from - 1] === "\n") from--;
    return from;
  };

  const stepText = (): boolean => {
    let index = -1;
    let marker = "";
    for (const m of TEXT_MARKERS) {
      const i = buffer.indexOf(m);
      if (i !== -1 && (index === -1 || i < index)) [index, marker] = [i, m];
    }
    if (index === -1) {
      const from = holdFrom(buffer, TEXT_MARKERS);
      emitText(buffer.slice(0, from));
      buffer = buffer.slice(from);
      return false;
    }
    const before = buffer.slice(0, index);
    buffer = buffer.slice(index + marker.length);
    const quoted = (before === "" ? previousChar : before.at(-1)) === "`";
    if (quoted) {
      // A tag inside inline code is prose about tags, not a tag.
      emitText(before + marker);
      return true;
    }
    const opensCall = marker === TOOL_CALL || marker === FUNCTION;
    emitText(before, opensCall);
    if (marker === TOOL_CALL) openCall(TOOL_CALL, TOOL_CALL_END, "");
    else if (marker === FUNCTION) openCall("", FUNCTION_END, FUNCTION);
    else if (marker === THINK) {
      mode = "reasoning";
      trimLeadingReasoning = true;
    } else trimLeadingText = true; // a stray closing tag is dropped
    return true;
  };

  const stepReasoning = (): boolean => {
    const index = buffer.indexOf(THINK_END);
    if (index === -1) {
      const from = holdFrom(buffer, [THINK_END]);
      emitReasoning(buffer.slice(0, from));
      buffer = buffer.slice(from);
      return false;
    }
    emitReasoning(buffer.slice(0, index), true);
    buffer = buffer.slice(index + THINK_END.length);
    mode = "text";
    trimLeadingText = true;
    return true;
  };

  const stepCall = (): boolean => {
    const close = buffer.indexOf(callCloser, callScanFrom);
    // A new opening tag before the closing one: the model forgot to close this call.
    const reopen = callOpener === TOOL_CALL ? buffer.indexOf(TOOL_CALL, callScanFrom) : -1;
    if (close === -1 && reopen === -1) {
      callScanFrom = Math.max(0, buffer.length - Math.max(callCloser.length, TOOL_CALL.length) + 1);
      return false;
    }
    mode = "text";
    if (reopen !== -1 && (close === -1 || reopen < close)) {
      finishCall(buffer.slice(0, reopen), "");
      buffer = buffer.slice(reopen);
      return true;
    }
    finishCall(buffer.slice(0, close), callCloser);
    buffer = buffer.slice(close + callCloser.length);
    // A bare `<function=...>` block may still be followed by the wrapper's closing tag.
    if (callCloser === FUNCTION_END) buffer = buffer.replace(/^\s*<\/tool_call>/, "");
    return true;
  };

  const stepUndecided = (final: boolean): boolean => {
    const firstOf = (tag: string) => {
      const i = buffer.indexOf(tag);
      return i === -1 ? Number.POSITIVE_INFINITY : i;
    };
    const close = firstOf(THINK_END);
    const other = Math.min(firstOf(THINK), firstOf(TOOL_CALL), firstOf(FUNCTION));
    if (close < other) mode = "reasoning";
    else if (other !== Number.POSITIVE_INFINITY || final) mode = "text";
    else return false;
    return true;
  };

  const run = (final: boolean) => {
    let progressed = true;
    while (progressed) {
      if (mode === "text") progressed = stepText();
      else if (mode === "reasoning") progressed = stepReasoning();
      else if (mode === "call") progressed = stepCall();
      else progressed = stepUndecided(final);
    }
  };

  const take = () => {
    const events = out;
    out = [];
    return events;
  };

  return {
    get callCount() {
      return callCount;
    },
    push(chunk) {
      buffer += chunk;
      run(false);
      return take();
    },
    end() {
      run(true);
      // An unclosed <tool_call> is still a call; an unclosed bare <function=...> is more likely prose about tags.
      if (mode === "call" && callOpener === TOOL_CALL) finishCall(buffer, "");
      else if (mode === "call") emitText(buffer, true);
      else if (mode === "reasoning") emitReasoning(buffer, true);
      else emitText(buffer, true);
      buffer = "";
      mode = "text";
      return take();
    },
  };
}
