export { type QwenTextToolCallsOptions, qwenTextToolCalls, toTextMessages, toTextRequest } from "./model.ts";
export {
  type ParsedCall,
  parseCoderCall,
  parseHermesCall,
  parseToolCallBody,
  typeParameterValue,
} from "./parse-call.ts";
export { createQwenTextParser, type QwenTextParser, type QwenTextParserOptions } from "./parser.ts";
export {
  pythonJson,
  QWEN_CODER_DEFAULT_SYSTEM,
  type QwenToolFormat,
  type RenderableCall,
  renderQwenAssistantText,
  renderQwenCoderToolCall,
  renderQwenCoderToolsPrompt,
  renderQwenToolCall,
  renderQwenToolResponses,
  renderQwenToolsPrompt,
} from "./render.ts";
