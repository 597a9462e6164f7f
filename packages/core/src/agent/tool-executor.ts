import { SkeinError, ToolError } from "../errors/errors.ts";
import type { ToolCall, ToolMessage } from "../model/messages.ts";
import { formatIssues } from "../schema/format-issues.ts";
import type { AnyTool, ToolLogger } from "../tools/tool.ts";
import { abortableDelay } from "./abortable-delay.ts";
import { AsyncQueue } from "./async-queue.ts";
import { errorInfo } from "./error-info.ts";
import type { AfterToolCallEvent, AgentEvent, BeforeToolCallEvent, ParsedToolCall } from "./events.ts";

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

/** Rejects as soon as `signal` aborts, so a tool that ignores its signal can never hang the run. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Runs one turn's tool calls (concurrently unless `sequential`), yielding their events as they happen and
 * returning one tool message per call, in call order. Never throws: every failure becomes an error result.
 */
export async function* executeToolCalls(
  calls: ToolCall[],
  settings: ToolRunSettings,
): AsyncGenerator<AgentEvent, ToolCallOutcome[]> {
  type Item =
    | AgentEvent
    | { type: "done"; index: number; outcome: ToolCallOutcome }
    | { type: "failed"; error: unknown };
  const queue = new AsyncQueue<Item>();
  const outcomes: ToolCallOutcome[] = new Array(calls.length);
  // A failing hook ends the run: the batch's own controller stops the other tools of the turn.
  const batch = new AbortController();
  const scoped = {
    ...settings,
    signal: settings.signal ? AbortSignal.any([settings.signal, batch.signal]) : batch.signal,
  };
  const start = (index: number) =>
    runOne(calls[index]!, scoped, (event) => queue.push(event)).then(
      (outcome) => queue.push({ type: "done", index, outcome }),
      (error) => queue.push({ type: "failed", error }),
    );
  let next = 0;
  let running = 0;
  const launch = () => {
    while (next < calls.length && (running === 0 || !settings.sequential)) {
      running++;
      void start(next++);
    }
  };
  launch();
  while (running > 0) {
    const item = await queue.next();
    if (item.type === "failed") {
      batch.abort(item.error);
      throw item.error;
    }
    if (item.type === "done") {
      outcomes[item.index] = item.outcome;
      running--;
      launch();
    } else {
      yield item;
    }
  }
  return outcomes;
}

async function runOne(
  call: ToolCall,
  settings: ToolRunSettings,
  push: (event: AgentEvent) => void,
): Promise<ToolCallOutcome> {
  const { runId } = settings;
  const started = performance.now();
  const emitAndPush = async (event: AgentEvent) => {
    const pending = settings.emit(event);
    if (pending) await pending;
    push(event);
  };
  const fail = async (code: string, message: string): Promise<ToolCallOutcome> => {
    await emitAndPush({
      type: "tool-error",
      runId,
      callId: call.id,
      name: call.name,
      error: { code, message },
      durationMs: performance.now() - started,
    });
    return {
      message: { role: "tool", toolCallId: call.id, name: call.name, content: message, isError: true },
      failed: true,
    };
  };

  const parsed = parseArguments(call.arguments);
  await emitAndPush({
    type: "tool-call",
    runId,
    turn: settings.turn,
    call: { ...call, input: parsed.ok ? parsed.value : undefined },
  });
  const tool = settings.tools.get(call.name);
  if (!tool) {
    const available = [...settings.tools.keys()].join(", ") || "none";
    return fail("tool_not_found", `Unknown tool "${call.name}". Available tools: ${available}.`);
  }
  if (!parsed.ok) return fail("tool_invalid_arguments", parsed.message);
  const validation = await tool.input.validate(parsed.value);
  if (!validation.ok) {
    return fail(
      "tool_invalid_arguments",
      `Invalid arguments for ${call.name}: ${formatIssues(validation.issues)}`,
    );
  }

  const parsedCall: ParsedToolCall = { ...call, input: validation.value };
  const before: BeforeToolCallEvent = { type: "before-tool-call", runId, call: parsedCall };
  await emitAndPush(before);
  if (before.deny !== undefined) return fail("tool_denied", before.deny);

  for (let attempt = 1; ; attempt++) {
    let content: string;
    let error: SkeinError | undefined;
    if (before.result !== undefined) {
      content = toContent(before.result);
    } else {
      try {
        content = toContent(await invoke(tool, parsedCall, settings, push));
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
    await emitAndPush(after);
    if (after.retry && !settings.signal?.aborted) {
      await abortableDelay(after.retry.delayMs, settings.signal);
      continue;
    }
    if (after.isError) return fail(after.error?.code ?? "tool_failed", after.content);
    await emitAndPush({
      type: "tool-result",
      runId,
      callId: call.id,
      name: call.name,
      content: after.content,
      durationMs: performance.now() - started,
    });
    return {
      message: { role: "tool", toolCallId: call.id, name: call.name, content: after.content },
      failed: false,
    };
  }
}

async function invoke(
  tool: AnyTool,
  call: ParsedToolCall,
  settings: ToolRunSettings,
  push: (event: AgentEvent) => void,
): Promise<unknown> {
  const timeoutMs = tool.timeoutMs ?? settings.timeoutMs;
  // One controller and one timer per call, both released when the call ends: `AbortSignal.timeout` would keep
  // each call's timer and signal alive for the whole deadline, so memory would grow with throughput.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException(`Tool ${call.name} timed out`, "TimeoutError"));
  }, timeoutMs);
  const parent = settings.signal;
  const onParentAbort = () => controller.abort(parent?.reason);
  if (parent?.aborted) onParentAbort();
  else parent?.addEventListener("abort", onParentAbort, { once: true });
  const signal = controller.signal;
  const ctx = {
    signal,
    runId: settings.runId,
    sessionId: settings.sessionId,
    toolCallId: call.id,
    agentName: settings.agentName,
    logger: settings.logger,
  };
  try {
    const iterator = tool.stream(call.input, ctx)[Symbol.asyncIterator]();
    try {
      while (true) {
        const step = await abortable(iterator.next(), signal);
        if (step.done) throw new ToolError("tool_no_result", `Tool ${call.name} ended without a result`);
        if (step.value.type === "result") return step.value.content;
        const progress: AgentEvent = {
          type: "tool-progress",
          runId: settings.runId,
          callId: call.id,
          name: call.name,
          data: step.value.data,
        };
        const pending = settings.emit(progress);
        if (pending) await pending;
        push(progress);
      }
    } finally {
      // Let a generator tool run its cleanup; never wait on a tool that ignores its signal.
      void iterator.return?.(undefined)?.catch(() => {});
    }
  } catch (error) {
    if (timedOut && !parent?.aborted) {
      throw new ToolError("tool_timeout", `Tool ${call.name} did not finish within ${timeoutMs} ms`);
    }
    if (parent?.aborted) throw new ToolError("tool_cancelled", `Tool ${call.name} was cancelled`);
    throw error;
  } finally {
    clearTimeout(timer);
    parent?.removeEventListener("abort", onParentAbort);
  }
}
