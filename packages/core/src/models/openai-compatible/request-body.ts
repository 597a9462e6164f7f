import type { Message } from "../../model/messages.ts";
import type { ModelRequest, ResponseFormat, ToolChoice } from "../../model/model.ts";

/** Chat Completions wire message. Reasoning is never sent back: providers reject or ignore it. */
export type WireMessage =
  | { role: "system" | "user"; content: string }
  | {
      role: "assistant";
      content: string;
      tool_calls?: { id: string; type: "function"; function: { name: string; arguments: string } }[];
    }
  | { role: "tool"; tool_call_id: string; content: string };

export function toWireMessage(message: Message): WireMessage {
  switch (message.role) {
    case "system":
    case "user":
      return { role: message.role, content: message.content };
    case "assistant": {
      const wire: WireMessage = { role: "assistant", content: message.content };
      if (message.toolCalls && message.toolCalls.length > 0) {
        wire.tool_calls = message.toolCalls.map((call) => ({
          id: call.id,
          type: "function",
          function: { name: call.name, arguments: call.arguments },
        }));
      }
      return wire;
    }
    case "tool":
      return { role: "tool", tool_call_id: message.toolCallId, content: message.content };
  }
}

function toWireToolChoice(choice: ToolChoice): unknown {
  return typeof choice === "string" ? choice : { type: "function", function: { name: choice.name } };
}

function toWireResponseFormat(format: ResponseFormat): unknown {
  if (format.type !== "json_schema") return { type: format.type };
  return { type: "json_schema", json_schema: { name: format.name, schema: format.schema } };
}

/**
 * Builds the streaming Chat Completions body. `defaults` (provider-level fields such as `enable_thinking`) go
 * under the request's own fields; `request.providerOptions` goes over everything.
 */
export function buildRequestBody(
  model: string,
  request: ModelRequest,
  defaults?: Record<string, unknown>,
): Record<string, unknown> {
  const messages: WireMessage[] = [];
  if (request.system) messages.push({ role: "system", content: request.system });
  for (const message of request.messages) messages.push(toWireMessage(message));

  const body: Record<string, unknown> = {
    model,
    messages,
    stream: true,
    stream_options: { include_usage: true },
    ...defaults,
  };
  if (request.tools && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: "function",
      function: { name: tool.name, description: tool.description, parameters: tool.parameters },
    }));
  }
  if (request.toolChoice !== undefined) body.tool_choice = toWireToolChoice(request.toolChoice);
  if (request.responseFormat !== undefined)
    body.response_format = toWireResponseFormat(request.responseFormat);
  if (request.maxOutputTokens !== undefined) body.max_tokens = request.maxOutputTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
  if (request.providerOptions) Object.assign(body, request.providerOptions);
  return body;
}
