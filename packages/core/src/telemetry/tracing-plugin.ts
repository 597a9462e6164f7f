import {
  type Attributes,
  type Context,
  context as otelContext,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import type {
  AfterModelCallEvent,
  BeforeModelCallEvent,
  BeforeToolCallEvent,
  ModelCallTiming,
  RunEndEvent,
  RunStartEvent,
  ToolCallEvent,
  ToolErrorEvent,
  ToolResultEvent,
  TurnEndEvent,
} from "../agent/events.ts";
import { epochNow } from "../agent/model-call.ts";
import type { Hooks, Plugin } from "../hooks/hooks.ts";
import type { ModelRequest } from "../model/model.ts";
import {
  ERROR_TYPE,
  FIRST_CHUNK_EVENT,
  finishReasonOf,
  GEN_AI,
  inputMessagesJson,
  outputMessagesJson,
  requestAttributes,
  SKEIN,
  systemInstructionsJson,
  toolArgumentsJson,
  toolDefinitionsJson,
  toolResultJson,
} from "./gen-ai.ts";
import type { RunSpanIds } from "./run-span-ids.ts";

export interface TracingPluginOptions {
  /** Default: the global tracer provider's `@skein/core` tracer (a no-op until a provider is registered). */
  tracer?: Tracer;
  /**
   * Record prompts, completions, system instructions, tool definitions, tool arguments and results (default
   * false). Secret-looking keys in tool payloads are redacted even then.
   */
  captureContent?: boolean;
  /** The parent of a run's span, e.g. the runtime's HTTP span. Default: the active context at run start. */
  parent?: (event: RunStartEvent) => Context | undefined;
  /** Extra attributes for a run's span (tenant, deployment). */
  attributes?: (event: RunStartEvent) => Attributes | undefined;
  /** Runs whose `run-end` never came (a stream abandoned midway) are ended past this many (default 10 000). */
  maxOpenRuns?: number;
  /**
   * Stable ids for runs' spans: the same `RunSpanIds` as the tracer provider's `idGenerator`, so that a run resumed
   * in another process continues its trace. Default: the provider's own ids.
   */
  runSpanIds?: Pick<RunSpanIds, "during">;
}

export interface TracingPlugin extends Plugin {
  /** The context of a live run's span, or of one of its tool calls' spans: for spans of your own beneath them. */
  contextOf(runId: string, toolCallId?: string): Context | undefined;
}

interface RunState {
  runId: string;
  span: Span;
  ctx: Context;
  sessionId?: string;
  model?: { id: string; provider: string };
  request?: ModelRequest;
  /** When the model call in flight started (until its `after-model-call`): a call cut off by cancellation ends here. */
  calledAt?: number;
  turn: number;
  attempt: number;
  /** A successful model call, waiting for `turn-end` to add usage and finish reason. */
  chat?: { span: Span; endedAt: number };
  finishReason?: string;
  tools: Map<string, Span>;
}

const setError = (span: Span, code: string, message: string): void => {
  span.setAttribute(ERROR_TYPE, code);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
};

/**
 * Turns a run's events into OpenTelemetry spans after the GenAI semantic conventions: `invoke_agent {agent}` per
 * run, with `chat {model}` per model call and `execute_tool {tool}` per tool call as its children. State is kept
 * per run id, so concurrent runs never mix. Listens to no streaming delta: the cost per event is a map lookup.
 */
export function tracingPlugin(options: TracingPluginOptions = {}): TracingPlugin {
  const tracer = options.tracer ?? trace.getTracer("@skein/core");
  const capture = options.captureContent === true;
  const maxOpenRuns = options.maxOpenRuns ?? 10_000;
  const runs = new Map<string, RunState>();

  const endRun = (state: RunState, end: RunEndEvent | undefined): void => {
    const now = epochNow();
    const code = end?.error?.code ?? "run_abandoned";
    const message = end?.error?.message ?? "The run ended before this operation finished";
    if (state.calledAt !== undefined && state.calledAt < now) {
      // The model call was cut off (cancellation) and never reported back.
      const span = startChat(state, state.calledAt);
      setError(span, code, message);
      span.end(now);
    }
    if (state.chat) state.chat.span.end(state.chat.endedAt);
    for (const span of state.tools.values()) {
      setError(span, code, message);
      span.end(now);
    }
    const run = state.span;
    if (end) {
      run.setAttribute(SKEIN.stopReason, end.stopReason);
      run.setAttribute(GEN_AI.usageInputTokens, end.usage.inputTokens);
      run.setAttribute(GEN_AI.usageOutputTokens, end.usage.outputTokens);
      if (end.usage.cachedInputTokens !== undefined)
        run.setAttribute(GEN_AI.usageCacheReadInputTokens, end.usage.cachedInputTokens);
      if (state.finishReason !== undefined)
        run.setAttribute(GEN_AI.responseFinishReasons, [state.finishReason]);
      if (capture) {
        const reason = end.error ? "error" : (state.finishReason ?? "stop");
        run.setAttribute(
          GEN_AI.outputMessages,
          outputMessagesJson({ role: "assistant", content: end.text }, reason),
        );
      }
    }
    if (!end || end.error) setError(run, code, message);
    run.end(now);
  };

  const startChat = (state: RunState, startedAt: number): Span => {
    const request = state.request;
    const model = state.model;
    const attributes: Attributes = {
      [GEN_AI.operationName]: "chat",
      [GEN_AI.providerName]: model?.provider,
      [GEN_AI.requestModel]: model?.id,
      [GEN_AI.conversationId]: state.sessionId,
      [GEN_AI.requestStream]: true,
      [SKEIN.runId]: state.runId,
      [SKEIN.turn]: state.turn,
      [SKEIN.attempt]: state.attempt,
    };
    if (request) {
      requestAttributes(request, attributes);
      if (capture) {
        attributes[GEN_AI.inputMessages] = inputMessagesJson(request.messages);
        if (request.system) attributes[GEN_AI.systemInstructions] = systemInstructionsJson(request.system);
        if (request.tools?.length) attributes[GEN_AI.toolDefinitions] = toolDefinitionsJson(request.tools);
      }
    }
    return tracer.startSpan(
      model ? `chat ${model.id}` : "chat",
      { kind: SpanKind.CLIENT, startTime: startedAt, attributes },
      state.ctx,
    );
  };

  const hooks: Hooks = {
    "run-start": (event: RunStartEvent) => {
      const attributes: Attributes = {
        ...options.attributes?.(event),
        [GEN_AI.operationName]: "invoke_agent",
        [GEN_AI.agentName]: event.agent,
        [GEN_AI.agentDescription]: event.description,
        [GEN_AI.conversationId]: event.sessionId,
        [SKEIN.runId]: event.runId,
      };
      if (capture) attributes[GEN_AI.inputMessages] = inputMessagesJson(event.input);
      const parent = options.parent?.(event) ?? otelContext.active();
      const start = () =>
        tracer.startSpan(
          `invoke_agent ${event.agent}`,
          { kind: SpanKind.INTERNAL, startTime: epochNow(), attributes },
          parent,
        );
      const span = options.runSpanIds ? options.runSpanIds.during(event.runId, start) : start();
      runs.set(event.runId, {
        runId: event.runId,
        span,
        ctx: trace.setSpan(parent, span),
        sessionId: event.sessionId,
        turn: 0,
        attempt: 0,
        tools: new Map(),
      });
      if (runs.size > maxOpenRuns) {
        const [oldest, state] = runs.entries().next().value!;
        runs.delete(oldest);
        endRun(state, undefined);
      }
    },

    "before-model-call": (event: BeforeModelCallEvent) => {
      const state = runs.get(event.runId);
      if (!state) return;
      if (!state.request) {
        // The run span learns the model on the first call (the conventions require the provider on it).
        const run = state.span;
        const model = event.model;
        if (model) {
          run.setAttribute(GEN_AI.providerName, model.provider);
          run.setAttribute(GEN_AI.requestModel, model.id);
        }
        const attributes: Attributes = {};
        requestAttributes(event.request, attributes);
        if (capture) {
          if (event.request.system)
            attributes[GEN_AI.systemInstructions] = systemInstructionsJson(event.request.system);
          if (event.request.tools?.length)
            attributes[GEN_AI.toolDefinitions] = toolDefinitionsJson(event.request.tools);
        }
        run.setAttributes(attributes);
      }
      state.request = event.request;
      state.model = event.model ?? state.model;
      state.calledAt = epochNow();
      state.turn = event.turn;
      state.attempt = 0;
    },

    "after-model-call": (event: AfterModelCallEvent) => {
      const state = runs.get(event.runId);
      if (!state) return;
      const now = epochNow();
      const timing: ModelCallTiming = event.timing ?? { startedAt: state.calledAt ?? now, endedAt: now };
      state.calledAt = undefined;
      state.attempt++;
      const span = startChat(state, timing.startedAt);
      if (timing.firstChunkAt !== undefined) {
        const ms = timing.firstChunkAt - timing.startedAt;
        span.setAttribute(GEN_AI.responseTimeToFirstChunk, ms / 1000);
        span.addEvent(FIRST_CHUNK_EVENT, { "skein.time_to_first_chunk_ms": ms }, timing.firstChunkAt);
      }
      if (event.error) {
        // A failed attempt ends here; a retry gets a span of its own from its own timing.
        setError(span, event.error.code, event.error.message);
        span.end(timing.endedAt);
        // Should the run be cancelled during the retried call, that call starts after the backoff delay.
        if (event.retry) state.calledAt = timing.endedAt + event.retry.delayMs;
      } else {
        state.chat = { span, endedAt: timing.endedAt };
      }
    },

    "turn-end": (event: TurnEndEvent) => {
      const state = runs.get(event.runId);
      const chat = state?.chat;
      if (!state || !chat) return;
      state.chat = undefined;
      const reason = finishReasonOf(event.finishReason);
      state.finishReason = reason;
      const { usage } = event;
      const span = chat.span;
      // The Model contract reports no served model name: the called model's id is the best knowledge.
      if (state.model) span.setAttribute(GEN_AI.responseModel, state.model.id);
      if (event.responseId) span.setAttribute(GEN_AI.responseId, event.responseId);
      span.setAttribute(GEN_AI.responseFinishReasons, [reason]);
      span.setAttribute(GEN_AI.usageInputTokens, usage.inputTokens);
      span.setAttribute(GEN_AI.usageOutputTokens, usage.outputTokens);
      if (usage.cachedInputTokens !== undefined)
        span.setAttribute(GEN_AI.usageCacheReadInputTokens, usage.cachedInputTokens);
      if (usage.reasoningTokens !== undefined)
        span.setAttribute(GEN_AI.usageReasoningOutputTokens, usage.reasoningTokens);
      if (capture) span.setAttribute(GEN_AI.outputMessages, outputMessagesJson(event.message, reason));
      span.end(chat.endedAt);
    },

    "tool-call": (event: ToolCallEvent) => {
      const state = runs.get(event.runId);
      if (!state) return;
      const { call } = event;
      const attributes: Attributes = {
        [GEN_AI.operationName]: "execute_tool",
        [GEN_AI.toolName]: call.name,
        [GEN_AI.toolCallId]: call.id,
        [GEN_AI.toolType]: "function",
        [GEN_AI.toolDescription]: state.request?.tools?.find((t) => t.name === call.name)?.description,
        [SKEIN.runId]: event.runId,
      };
      if (capture) attributes[GEN_AI.toolCallArguments] = toolArgumentsJson(call.arguments, call.input);
      const span = tracer.startSpan(
        `execute_tool ${call.name}`,
        { kind: SpanKind.INTERNAL, startTime: epochNow(), attributes },
        state.ctx,
      );
      state.tools.set(call.id, span);
    },

    "tool-result": (event: ToolResultEvent) => {
      const state = runs.get(event.runId);
      const span = state?.tools.get(event.callId);
      if (!state || !span) return;
      state.tools.delete(event.callId);
      if (capture) span.setAttribute(GEN_AI.toolCallResult, toolResultJson(event.content));
      span.end(epochNow());
    },

    "tool-error": (event: ToolErrorEvent) => {
      const state = runs.get(event.runId);
      const span = state?.tools.get(event.callId);
      if (!state || !span) return;
      state.tools.delete(event.callId);
      setError(span, event.error.code, event.error.message);
      span.end(epochNow());
    },

    "run-end": (event: RunEndEvent) => {
      const state = runs.get(event.runId);
      if (!state) return;
      runs.delete(event.runId);
      endRun(state, event);
    },
  };

  if (capture) {
    // Hooks may rewrite a call's input before the tool runs: record what the tool gets.
    hooks["before-tool-call"] = (event: BeforeToolCallEvent) => {
      const span = runs.get(event.runId)?.tools.get(event.call.id);
      span?.setAttribute(GEN_AI.toolCallArguments, toolArgumentsJson(event.call.arguments, event.call.input));
    };
  }

  return {
    name: "tracing",
    hooks,
    contextOf(runId, toolCallId) {
      const state = runs.get(runId);
      if (!state) return undefined;
      if (toolCallId === undefined) return state.ctx;
      const span = state.tools.get(toolCallId);
      return span ? trace.setSpan(state.ctx, span) : undefined;
    },
  };
}
