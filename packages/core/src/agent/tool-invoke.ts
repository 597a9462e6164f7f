import { ToolError } from "../errors/errors.ts";
import { functionToolRun, isAsyncGenerator, progressEvents } from "../tools/define-tool.ts";
import type { AnyTool, ToolContext, ToolLogger } from "../tools/tool.ts";
import type { AgentEvent, ParsedToolCall } from "./events.ts";

/** What one tool call needs from its run. */
export interface InvokeSettings {
  runId: string;
  sessionId?: string;
  agentName: string;
  timeoutMs: number;
  logger: ToolLogger;
  signal?: AbortSignal;
  emit(event: AgentEvent): void | Promise<void>;
}

export const isPromiseLike = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as { then?: unknown } | null | undefined)?.then === "function";

/** Rejects as soon as `signal` aborts, so a tool that ignores its signal can never hang the run. */
function abortable<T>(promise: PromiseLike<T>, signal: AbortSignal): Promise<T> {
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
 * Calls one tool and returns its result. A tool made by `tool()` is called directly (no generator per call), and
 * a plain value it returns synchronously is returned as is: the call is over before any deadline or abort could
 * apply, so it needs no timer and no listener. Everything else (promises, progress, other tools' streams) runs
 * under the call's deadline and the run's signal.
 */
export function invokeTool(
  tool: AnyTool,
  call: ParsedToolCall,
  settings: InvokeSettings,
  push: (event: AgentEvent) => void,
): unknown {
  const controller = new AbortController();
  const ctx: ToolContext = {
    signal: controller.signal,
    runId: settings.runId,
    sessionId: settings.sessionId,
    toolCallId: call.id,
    agentName: settings.agentName,
    logger: settings.logger,
  };
  const run = settings.signal?.aborted ? undefined : functionToolRun(tool);
  if (!run) return guarded(tool, call, settings, push, controller, ctx, undefined, 0);
  const startedAt = performance.now();
  const returned = run(call.input, ctx);
  if (!isPromiseLike(returned) && !isAsyncGenerator(returned)) return returned;
  return guarded(tool, call, settings, push, controller, ctx, { returned }, performance.now() - startedAt);
}

/** The call under its deadline and the run's signal; `direct` holds what a function tool's `run` returned. */
async function guarded(
  tool: AnyTool,
  call: ParsedToolCall,
  settings: InvokeSettings,
  push: (event: AgentEvent) => void,
  controller: AbortController,
  ctx: ToolContext,
  direct: { returned: unknown } | undefined,
  elapsedMs: number,
): Promise<unknown> {
  const timeoutMs = tool.timeoutMs ?? settings.timeoutMs;
  // One controller and one timer per call, both released when the call ends: `AbortSignal.timeout` would keep
  // each call's timer and signal alive for the whole deadline, so memory would grow with throughput.
  let timedOut = false;
  const timer = setTimeout(
    () => {
      timedOut = true;
      controller.abort(new DOMException(`Tool ${call.name} timed out`, "TimeoutError"));
    },
    Math.max(0, timeoutMs - elapsedMs),
  );
  const parent = settings.signal;
  const onParentAbort = () => controller.abort(parent?.reason);
  if (parent?.aborted) onParentAbort();
  else parent?.addEventListener("abort", onParentAbort, { once: true });
  const signal = controller.signal;
  try {
    const returned = direct?.returned;
    if (direct && isPromiseLike(returned)) return await abortable(returned, signal);
    const iterator = direct
      ? progressEvents(returned as AsyncGenerator<unknown, unknown, undefined>)
      : tool.stream(call.input, ctx)[Symbol.asyncIterator]();
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
