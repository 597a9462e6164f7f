import { randomUUID } from "node:crypto";
import { ModelError, ModelNotConfiguredError, SkeinError } from "../errors/errors.ts";
import type { HookBus } from "../hooks/hooks.ts";
import type { Message } from "../model/messages.ts";
import type { Model, ModelRequest, ResponseFormat } from "../model/model.ts";
import { addUsage, emptyUsage, type Usage } from "../model/usage.ts";
import type { CompiledSchema } from "../schema/schema.ts";
import type { ToolLogger } from "../tools/tool.ts";
import { errorInfo } from "./error-info.ts";
import type {
  AgentEvent,
  AgentEventType,
  BeforeModelCallEvent,
  ErrorInfo,
  RunEndEvent,
  StopReason,
} from "./events.ts";
import { callModel } from "./model-call.ts";
import { checkOutput, outputCorrection } from "./structured-output.ts";
import { executeToolCalls, runToolCalls, type ToolRunSettings } from "./tool-executor.ts";
import { extendToolbox, type Toolbox } from "./toolbox.ts";
import type { ContextManager, RunInput, RunOptions } from "./types.ts";

/** Everything the loop needs, resolved once per agent (never mutated by a run). */
export interface LoopConfig {
  name: string;
  description?: string;
  instructions: string;
  model?: Model;
  toolbox: Toolbox;
  output?: CompiledSchema;
  responseFormat?: ResponseFormat;
  outputRetries: number;
  bus: HookBus;
  context?: ContextManager;
  sequentialTools: boolean;
  toolTimeoutMs: number;
  maxToolFailures: number;
  maxTurns: number;
  maxTokens?: number;
  temperature?: number;
  maxOutputTokens?: number;
  providerOptions?: Record<string, unknown>;
  logger: ToolLogger;
}

export interface LoopRunOptions extends RunOptions {
  model?: Model;
  /** Called with the run-end event just before it is published (how `RunStream.result` resolves). */
  onEnd?: (end: RunEndEvent) => void;
  /**
   * Yield only the run-end event (`agent.run()`, which reads nothing else). Every event still passes through the
   * hooks in the same order; only the hand-over to the consumer, a few promise hops per event, is skipped.
   */
  endOnly?: boolean;
}

/**
 * The agent loop. State lives in this generator only, so concurrent runs of one agent never share it.
 * `committed` only ever grows by whole units (a user message; an assistant message together with all its tool
 * results), so it is a valid, re-invokable history at every ending.
 */
export async function* runLoop(
  config: LoopConfig,
  input: RunInput,
  options: LoopRunOptions,
): AsyncGenerator<AgentEvent> {
  const runId = options.runId ?? randomUUID();
  const signal = options.signal;
  const bus = options.plugins?.length ? config.bus.with(options.plugins) : config.bus;
  const toolbox = options.plugins?.length
    ? extendToolbox(config.name, config.toolbox, options.plugins)
    : config.toolbox;
  /** Passes an event through the hooks; a promise only when one listens. Every event goes through it, then out:
   * `pending = emit(event); if (pending) await pending; yield event;` (written out, not a generator per event). */
  const emit = (event: AgentEvent): void | Promise<void> =>
    bus.has(event.type) ? bus.emit(event) : undefined;
  let pending: void | Promise<void>;
  const quiet = options.endOnly === true;
  /** Whether anyone sees events of this type: the consumer (unless `endOnly`) or a hook. Unseen ones are not built. */
  const seen = (type: AgentEventType): boolean => !quiet || bus.has(type);
  const inputMessages: Message[] = typeof input === "string" ? [{ role: "user", content: input }] : input;
  const committed: Message[] = [...(options.history ?? []), ...inputMessages];
  const maxTurns = options.maxTurns ?? config.maxTurns;
  const maxTokens = options.maxTokens ?? config.maxTokens;
  let usage: Usage = emptyUsage();
  let text = "";
  let output: unknown;
  let toolFailures = 0;
  let outputAttempts = 0;
  let stopReason: StopReason = "done";
  let error: ErrorInfo | undefined;

  if (seen("run-start")) {
    const start: AgentEvent = {
      type: "run-start",
      runId,
      agent: config.name,
      description: config.description || undefined,
      sessionId: options.sessionId,
      input: inputMessages,
    };
    pending = emit(start);
    if (pending) await pending;
    if (!quiet) yield start;
  }

  const model = options.model ?? config.model;
  try {
    if (!model) {
      throw new ModelNotConfiguredError(
        `Agent "${config.name}" has no model: pass one in its options or per run, or set SKEIN_MODEL / SKEIN_BASE_URL / SKEIN_API_KEY or DASHSCOPE_API_KEY`,
      );
    }
    for (let turn = 1; ; turn++) {
      if (signal?.aborted) {
        stopReason = "cancelled";
        break;
      }
      if (turn > maxTurns) {
        stopReason = "max-turns";
        break;
      }
      if (maxTokens !== undefined && usage.totalTokens >= maxTokens) {
        stopReason = "max-tokens";
        break;
      }
      if (seen("turn-start")) {
        const turnStart: AgentEvent = { type: "turn-start", runId, turn };
        pending = emit(turnStart);
        if (pending) await pending;
        if (!quiet) yield turnStart;
      }

      let request: ModelRequest = {
        system: config.instructions || undefined,
        messages: committed.slice(),
        tools: toolbox.specs.length > 0 ? toolbox.specs : undefined,
        responseFormat: config.responseFormat,
        temperature: config.temperature,
        maxOutputTokens: config.maxOutputTokens,
        providerOptions: config.providerOptions,
      };
      if (config.context) request = await config.context.prepare(request, { model, signal });
      if (seen("before-model-call")) {
        const before: BeforeModelCallEvent = {
          type: "before-model-call",
          runId,
          turn,
          request,
          model: { id: model.id, provider: model.provider },
        };
        pending = emit(before);
        if (pending) await pending;
        if (!quiet) yield before;
        request = before.request; // hooks may have replaced it
      }

      const outcome = yield* callModel(model, request, { runId, turn }, emit, signal, quiet, seen);
      usage = addUsage(usage, outcome.usage);
      const { message } = outcome;
      if (seen("turn-end")) {
        const turnEnd: AgentEvent = {
          type: "turn-end",
          runId,
          turn,
          message,
          usage: outcome.usage,
          finishReason: outcome.finishReason,
          responseId: outcome.responseId,
        };
        pending = emit(turnEnd);
        if (pending) await pending;
        if (!quiet) yield turnEnd;
      }

      if (!message.toolCalls) {
        committed.push(message);
        text = message.content;
        if (!config.output) break;
        const checked = await checkOutput(config.output, message.content);
        if (checked.ok) {
          output = checked.value;
          break;
        }
        if (outputAttempts >= config.outputRetries) {
          stopReason = "output-invalid";
          error = { code: "output_invalid", message: `Structured output stayed invalid: ${checked.message}` };
          break;
        }
        outputAttempts++;
        committed.push({ role: "user", content: outputCorrection(checked.message) });
        continue;
      }

      const settings: ToolRunSettings = {
        runId,
        turn,
        sessionId: options.sessionId,
        agentName: config.name,
        tools: toolbox.tools,
        timeoutMs: config.toolTimeoutMs,
        sequential: config.sequentialTools,
        logger: config.logger,
        signal,
        emit,
        seen,
      };
      const results = quiet
        ? await runToolCalls(message.toolCalls, settings)
        : yield* executeToolCalls(message.toolCalls, settings);
      committed.push(message, ...results.map((r) => r.message));
      if (signal?.aborted) {
        stopReason = "cancelled";
        break;
      }
      for (const result of results) toolFailures = result.failed ? toolFailures + 1 : 0;
      if (toolFailures >= config.maxToolFailures) {
        stopReason = "tool-error";
        const last = results[results.length - 1]!.message.content;
        error = {
          code: "tool_failures_exceeded",
          message: `${toolFailures} consecutive tool calls failed; last error: ${last}`,
        };
        break;
      }
    }
  } catch (caught) {
    if (signal?.aborted) {
      stopReason = "cancelled";
    } else {
      stopReason = caught instanceof ModelError ? "model-error" : "error";
      error = errorInfo(caught);
      if (!(caught instanceof SkeinError))
        config.logger.error("agent loop failed", { runId, error: String(caught) });
    }
  }
  if (stopReason === "cancelled") error = { code: "run_cancelled", message: "The run was cancelled" };
  if (error && stopReason !== "cancelled") {
    const errorEvent: AgentEvent = { type: "error", runId, error };
    pending = emit(errorEvent);
    if (pending) await pending;
    if (!quiet) yield errorEvent;
  }
  const end: RunEndEvent = {
    type: "run-end",
    runId,
    stopReason,
    text,
    output,
    usage,
    messages: committed,
    error,
  };
  options.onEnd?.(end);
  pending = emit(end);
  if (pending) await pending;
  yield end;
}
