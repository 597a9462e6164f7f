import { SkeinError, ToolError } from "../errors/errors.ts";
import type { ToolCall, ToolMessage } from "../model/messages.ts";
import { formatIssues } from "../schema/format-issues.ts";
import type { AnyTool, ToolLogger } from "../tools/tool.ts";
import { abortableDelay } from "./abortable-delay.ts";
import { AsyncQueue } from "./async-queue.ts";
import { errorInfo } from "./error-info.ts";
import type {
  AfterToolCallEvent,
  AgentEvent,
  AgentEventType,
  BeforeToolCallEvent,
  ParsedToolCall,
} from "./events.ts";
import { invokeTool, isPromiseLike } from "./tool-invoke.ts";

export interface ToolRunSettings {
  runId: string;
  turn: number;
  sessionId?: string;
  agentName: string;
  tools: ReadonlyMap<string, AnyTool>;
  timeoutMs: number;
  sequential: boolean;
  logger: ToolLogger;
  signal?: AbortSignal;
  /** Passes an event through the hook bus; returns a promise only when a handler is listening. */
  emit(event: AgentEvent): void | Promise<void>;
  /** Whether anyone (the consumer or a hook) sees events of this type; unseen reports are not built. */
  seen(type: AgentEventType): boolean;
}

export interface ToolCallOutcome {
  message: ToolMessage;
  failed: boolean;
}

const toContent = (value: unknown): string => {
  if (typeof value === "string") return value;
  if (value === undefined) return "";
  return JSON.stringify(value);
};

function parseArguments(raw: string): { ok: true; value: unknown } | { ok: false; message: string } {
  if (raw.trim() === "") return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch (error) {
    return { ok: false, message: `Invalid JSON in tool arguments: ${(error as Error).message}` };
  }
}

/** The batch's signal: the run's, plus the batch's own controller (a failing hook stops the other tools). */
function scopedSettings(settings: ToolRunSettings, batch: AbortController): ToolRunSettings {
  return {
    ...settings,
    signal: settings.signal ? AbortSignal.any([settings.signal, batch.signal]) : batch.signal,
  };
}

const ignore = (): void => {};

/**
 * Runs one turn's tool calls (concurrently unless `sequential`) and returns one tool message per call, in call
 * order; `push` gets each call's events as they happen (after the hooks). Never throws for a tool's failure (it
 * becomes an error result); a hook that throws stops the other calls of the turn and rejects.
 */
export async function runToolCalls(
  calls: ToolCall[],
  settings: ToolRunSettings,
  push: (event: AgentEvent) => void = ignore,
): Promise<ToolCallOutcome[]> {
  // A lone call has no sibling to stop when it fails: it needs no batch controller.
  if (calls.length === 1) return [await runOne(calls[0]!, settings, push, true)];
  const batch = new AbortController();
  const scoped = scopedSettings(settings, batch);
  try {
    if (!settings.sequential)
      return await Promise.all(calls.map((call) => runOne(call, scoped, push, false)));
    const outcomes: ToolCallOutcome[] = [];
    for (const call of calls) outcomes.push(await runOne(call, scoped, push, true));
    return outcomes;
  } catch (error) {
    batch.abort(error);
    throw error;
  }
}

/** `runToolCalls`, its events yielded as they happen (`agent.stream()`; `agent.run()` reads none of them). */
export async function* executeToolCalls(
  calls: ToolCall[],
  settings: ToolRunSettings,
): AsyncGenerator<AgentEvent, ToolCallOutcome[]> {
  type Item = AgentEvent | { type: "done"; outcomes: ToolCallOutcome[] } | { type: "failed"; error: unknown };
  const queue = new AsyncQueue<Item>();
  void runToolCalls(calls, settings, (event) => queue.push(event)).then(
    (outcomes) => queue.push({ type: "done", outcomes }),
    (error) => queue.push({ type: "failed", error }),
  );
  for (;;) {
    const item = await queue.next();
    if (item.type === "done") return item.outcomes;
    if (item.type === "failed") throw item.error;
    yield item;
  }
}

/** Hooks, then the consumer; a promise only when a hook returned one. */
function emitAndPush(
  settings: ToolRunSettings,
  push: (event: AgentEvent) => void,
  event: AgentEvent,
): void | Promise<void> {
  const pending = settings.emit(event);
  if (pending) return pending.then(() => push(event));
  push(event);
}

/** Ends a call in an error result, reported as `tool-error`. */
async function failCall(
  call: ToolCall,
  settings: ToolRunSettings,
  push: (event: AgentEvent) => void,
  started: number,
  code: string,
  message: string,
): Promise<ToolCallOutcome> {
  await emitAndPush(settings, push, {
    type: "tool-error",
    runId: settings.runId,
    callId: call.id,
    name: call.name,
    error: { code, message },
    durationMs: performance.now() - started,
  });
  return {
    message: { role: "tool", toolCallId: call.id, name: call.name, content: message, isError: true },
    failed: true,
  };
}

/**
 * One call: its events, validation, hooks and the tool itself. `eager` when no other call of the batch runs beside it:
 * steps that finish synchronously then go on at once. Otherwise every step waits a tick, so concurrent calls advance
 * side by side (all of them start before any of them can finish) whatever their hooks and tools do synchronously.
 */
async function runOne(
  call: ToolCall,
  settings: ToolRunSettings,
  push: (event: AgentEvent) => void,
  eager: boolean,
): Promise<ToolCallOutcome> {
  const { runId } = settings;
  const started = performance.now();

  const parsed = parseArguments(call.arguments);
  let pending = settings.seen("tool-call")
    ? emitAndPush(settings, push, {
        type: "tool-call",
        runId,
        turn: settings.turn,
        call: { ...call, input: parsed.ok ? parsed.value : undefined },
      })
    : undefined;
  if (pending || !eager) await pending;
  const tool = settings.tools.get(call.name);
  if (!tool) {
    const available = [...settings.tools.keys()].join(", ") || "none";
    return failCall(
      call,
      settings,
      push,
      started,
      "tool_not_found",
      `Unknown tool "${call.name}". Available tools: ${available}.`,
    );
  }
  if (!parsed.ok) return failCall(call, settings, push, started, "tool_invalid_arguments", parsed.message);
  let validation = tool.input.validate(parsed.value);
  if (!eager || isPromiseLike(validation)) validation = await validation;
  if (!validation.ok) {
    return failCall(
      call,
      settings,
      push,
      started,
      "tool_invalid_arguments",
      `Invalid arguments for ${call.name}: ${formatIssues(validation.issues)}`,
    );
  }

  const parsedCall: ParsedToolCall = { ...call, input: validation.value };
  const before: BeforeToolCallEvent = { type: "before-tool-call", runId, call: parsedCall };
  pending = emitAndPush(settings, push, before);
  if (pending || !eager) await pending;
  if (before.deny !== undefined) return failCall(call, settings, push, started, "tool_denied", before.deny);

  for (let attempt = 1; ; attempt++) {
    let content: string;
    let error: SkeinError | undefined;
    if (before.result !== undefined) {
      content = toContent(before.result);
    } else {
      try {
        let result = invokeTool(tool, parsedCall, settings, push);
        if (!eager || isPromiseLike(result)) result = await result;
        content = toContent(result);
      } catch (caught) {
        const info = errorInfo(caught, "tool_failed");
        error =
          caught instanceof SkeinError ? caught : new ToolError(info.code, info.message, { cause: caught });
        content = info.message;
      }
    }
    const after: AfterToolCallEvent = {
      type: "after-tool-call",
      runId,
      call: parsedCall,
      attempt,
      content,
      isError: error !== undefined,
      error,
    };
    pending = emitAndPush(settings, push, after);
    if (pending || !eager) await pending;
    if (after.retry && !settings.signal?.aborted) {
      await abortableDelay(after.retry.delayMs, settings.signal);
      continue;
    }
    if (after.isError)
      return failCall(call, settings, push, started, after.error?.code ?? "tool_failed", after.content);
    pending = undefined;
    if (settings.seen("tool-result")) {
      pending = emitAndPush(settings, push, {
        type: "tool-result",
        runId,
        callId: call.id,
        name: call.name,
        content: after.content,
        durationMs: performance.now() - started,
      });
    }
    if (pending || !eager) await pending;
    return {
      message: { role: "tool", toolCallId: call.id, name: call.name, content: after.content },
      failed: false,
    };
  }
}
