import type { Message } from "../../model/messages.ts";
import type { Model, ModelEvent, ModelRequest, ToolSpec } from "../../model/model.ts";
import { createQwenTextParser } from "./parser.ts";
import {
  QWEN_CODER_DEFAULT_SYSTEM,
  type QwenToolFormat,
  renderQwenAssistantText,
  renderQwenCoderToolsPrompt,
  renderQwenToolResponses,
  renderQwenToolsPrompt,
} from "./render.ts";

export interface QwenTextToolCallsOptions {
  /** `hermes` (Qwen3, Qwen2.5, QwQ; the default) or `coder` (Qwen3-Coder's XML form). */
  format?: QwenToolFormat;
  /** See `QwenTextParserOptions.startInReasoning`: set for thinking models whose template opens `<think>`. */
  startInReasoning?: boolean | "auto";
  /** Makes tool call ids (default random). */
  generateId?: () => string;
}

/**
 * Tool calling for Qwen models served without a tool-call parser (a raw completion endpoint, or a server run
 * without `--tool-call-parser`): the tools go into the system prompt as Qwen's chat template writes them,
 * earlier calls and results are written back into the history as text, and the calls the model writes are parsed
 * out of its text stream.
 */
export function qwenTextToolCalls(model: Model, options: QwenTextToolCallsOptions = {}): Model {
  const format = options.format ?? "hermes";
  return {
    id: model.id,
    provider: model.provider,
    info: model.info,
    async *stream(request: ModelRequest, signal?: AbortSignal): AsyncGenerator<ModelEvent> {
      const tools = request.toolChoice === "none" ? [] : (request.tools ?? []);
      const parser = createQwenTextParser({
        tools: request.tools,
        startInReasoning: options.startInReasoning,
        generateId: options.generateId,
      });
      let innerCalls = 0;
      for await (const event of model.stream(toTextRequest(request, tools, format), signal)) {
        if (event.type === "text-delta") {
          yield* parser.push(event.text);
        } else if (event.type === "finish") {
          yield* parser.end();
          const called = parser.callCount + innerCalls > 0;
          yield { ...event, reason: called && event.reason === "stop" ? "tool-calls" : event.reason };
          return;
        } else {
          // The server may still split reasoning or parse calls itself; those pass through.
          if (event.type === "tool-call") innerCalls++;
          yield event;
        }
      }
      yield* parser.end();
    },
  };
}

/** The request the inner model sees: no `tools`; tools, calls and results written as Qwen's template does. */
export function toTextRequest(
  request: ModelRequest,
  tools: readonly ToolSpec[],
  format: QwenToolFormat,
): ModelRequest {
  const { tools: _tools, toolChoice, parallelToolCalls: _parallel, ...rest } = request;
  return {
    ...rest,
    system: systemPrompt(request.system, tools, toolChoice, format),
    messages: toTextMessages(request.messages, format),
  };
}

function systemPrompt(
  system: string | undefined,
  tools: readonly ToolSpec[],
  toolChoice: ModelRequest["toolChoice"],
  format: QwenToolFormat,
): string | undefined {
  if (tools.length === 0) return system;
  let section = format === "coder" ? renderQwenCoderToolsPrompt(tools) : renderQwenToolsPrompt(tools);
  if (toolChoice === "required") section += "\n\nYou must call at least one function in your reply.";
  else if (typeof toolChoice === "object")
    section += `\n\nYou must call the function "${toolChoice.name}" in your reply.`;
  const head = system || (format === "coder" ? QWEN_CODER_DEFAULT_SYSTEM : "");
  return head ? `${head}\n\n${section}` : section;
}

/** Assistant calls become text; each run of tool results becomes one user turn of `<tool_response>` blocks. */
export function toTextMessages(messages: readonly Message[], format: QwenToolFormat): Message[] {
  const out: Message[] = [];
  let results: string[] = [];
  const flush = () => {
    if (results.length === 0) return;
    out.push({ role: "user", content: renderQwenToolResponses(results, format) });
    results = [];
  };
  for (const message of messages) {
    if (message.role === "tool") {
      results.push(message.content);
      continue;
    }
    flush();
    if (message.role === "assistant" && message.toolCalls?.length) {
      const { toolCalls, ...rest } = message;
      out.push({
        ...rest,
        content: renderQwenAssistantText({ content: message.content, toolCalls }, format),
      });
    } else out.push(message);
  }
  flush();
  return out;
}
