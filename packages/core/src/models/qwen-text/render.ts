import type { ToolSpec } from "../../model/model.ts";

/** `hermes`: Qwen3's `<tool_call>{"name", "arguments"}</tool_call>`; `coder`: Qwen3-Coder's XML form. */
export type QwenToolFormat = "hermes" | "coder";

/** A call to render: `arguments` as JSON text (as in `ToolCall`) or as an object. */
export interface RenderableCall {
  name: string;
  arguments: string | Record<string, unknown>;
}

/** The `# Tools` section Qwen3's chat template appends to the system prompt. */
export function renderQwenToolsPrompt(tools: readonly ToolSpec[]): string {
  const lines = tools.map((t) =>
    pythonJson({
      type: "function",
      function: { name: t.name, description: t.description, parameters: t.parameters },
    }),
  );
  return (
    "# Tools\n\nYou may call one or more functions to assist with the user query.\n\n" +
    "You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n" +
    lines.join("\n") +
    "\n</tools>\n\n" +
    "For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n" +
    '<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call>'
  );
}

/** Qwen3-Coder's template uses this system prompt when the request has tools but none of its own. */
export const QWEN_CODER_DEFAULT_SYSTEM =
  "You are Qwen, a helpful AI assistant that can interact with a computer to solve tasks.";

/** The `# Tools` section of Qwen3-Coder's chat template (tools described as XML). */
export function renderQwenCoderToolsPrompt(tools: readonly ToolSpec[]): string {
  let out = "# Tools\n\nYou have access to the following functions:\n\n<tools>";
  for (const t of tools) {
    out += `\n<function>\n<name>${t.name}</name>`;
    if (t.description) out += `\n<description>${t.description.trim()}</description>`;
    out += "\n<parameters>";
    const properties = (t.parameters.properties ?? {}) as Record<string, Record<string, unknown>>;
    for (const [name, fields] of Object.entries(properties)) {
      out += `\n<parameter>\n<name>${name}</name>`;
      if (fields.type !== undefined) out += `\n<type>${templateString(fields.type)}</type>`;
      if (typeof fields.description === "string")
        out += `\n<description>${fields.description.trim()}</description>`;
      out += extraKeys(fields, ["name", "type", "description"]);
      out += "\n</parameter>";
    }
    out += extraKeys(t.parameters, ["type", "properties"]);
    out += "\n</parameters>\n</function>";
  }
  return (
    out +
    "\n</tools>\n\nIf you choose to call a function ONLY reply in the following format with NO suffix:\n\n" +
    "<tool_call>\n<function=example_function_name>\n<parameter=example_parameter_1>\nvalue_1\n</parameter>\n" +
    "<parameter=example_parameter_2>\nThis is the value for the second parameter\nthat can span\nmultiple lines\n" +
    "</parameter>\n</function>\n</tool_call>\n\n<IMPORTANT>\nReminder:\n" +
    "- Function calls MUST follow the specified format: an inner <function=...></function> block must be nested within <tool_call></tool_call> XML tags\n" +
    "- Required parameters MUST be specified\n" +
    "- You may provide optional reasoning for your function call in natural language BEFORE the function call, but NOT after\n" +
    "- If there is no function call available, answer the question like normal with your current knowledge and do not tell the user about function calls\n" +
    "</IMPORTANT>"
  );
}

/** One call in Qwen3's (Hermes) form, as the chat template writes it. */
export function renderQwenToolCall(call: RenderableCall): string {
  const args = argumentsObject(call.arguments);
  const json = args === undefined ? String(call.arguments) : pythonJson(args);
  return `<tool_call>\n{"name": ${JSON.stringify(call.name)}, "arguments": ${json}}\n</tool_call>`;
}

/** One call in Qwen3-Coder's XML form: strings as they are, objects and arrays as JSON. */
export function renderQwenCoderToolCall(call: RenderableCall): string {
  let out = `<tool_call>\n<function=${call.name}>\n`;
  for (const [key, value] of Object.entries(argumentsObject(call.arguments) ?? {})) {
    const text = typeof value === "string" ? value : pythonJson(value);
    out += `<parameter=${key}>\n${text}\n</parameter>\n`;
  }
  return `${out}</function>\n</tool_call>`;
}

/** An assistant turn's text: its content, then its calls, laid out as the chat template does. */
export function renderQwenAssistantText(
  message: { content: string; toolCalls?: readonly RenderableCall[] },
  format: QwenToolFormat = "hermes",
): string {
  const calls = (message.toolCalls ?? []).map(
    format === "coder" ? renderQwenCoderToolCall : renderQwenToolCall,
  );
  if (calls.length === 0) return message.content;
  const content = format === "coder" ? message.content.trim() : message.content;
  if (content === "") return calls.join("\n");
  return content + (format === "coder" ? "\n\n" : "\n") + calls.join("\n");
}

/** Tool results, as the user turn that carries them back to the model. */
export function renderQwenToolResponses(
  contents: readonly string[],
  format: QwenToolFormat = "hermes",
): string {
  const blocks = contents.map((c) => `<tool_response>\n${c}\n</tool_response>`);
  return format === "coder" ? blocks.map((b) => `${b}\n`).join("") : blocks.join("\n");
}

/** Python's `json.dumps(value, ensure_ascii=False)` (what the template's `tojson` writes): `", "` and `": "`. */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(", ")}]`;
  if (typeof value === "object")
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}: ${pythonJson(v)}`)
      .join(", ")}}`;
  return JSON.stringify(value) ?? "null";
}

/** Jinja's `| string` on a JSON value: Python's `str()`. */
function templateString(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === true) return "True";
  if (value === false) return "False";
  if (value === null) return "None";
  if (typeof value === "object") return pythonJson(value);
  return String(value);
}

/** The template's `render_extra_keys` macro. */
function extraKeys(object: Record<string, unknown>, handled: readonly string[]): string {
  let out = "";
  for (const [key, value] of Object.entries(object)) {
    if (handled.includes(key) || value === undefined) continue;
    out += `\n<${key}>${templateString(value)}</${key}>`;
  }
  return out;
}

function argumentsObject(args: RenderableCall["arguments"]): Record<string, unknown> | undefined {
  if (typeof args !== "string") return args;
  try {
    const parsed: unknown = JSON.parse(args);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
