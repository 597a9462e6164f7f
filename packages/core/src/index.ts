export { Agent, AgentRunError, type AgentRunOptions, RunStream } from "./agent/agent.ts";
export { type AgentToolInput, type AgentToolOptions, agentTool } from "./agent/as-tool.ts";
export type * from "./agent/events.ts";
export type { AgentOptions, ContextManager, RunInput, RunOptions, RunResult } from "./agent/types.ts";
export * from "./context/index.ts";
export * from "./errors/errors.ts";
export { type Handler, HookBus, type Hooks, type Plugin } from "./hooks/hooks.ts";
export type * from "./model/messages.ts";
export type * from "./model/model.ts";
export { addUsage, type Cost, emptyUsage, type Usage } from "./model/usage.ts";
export {
  computeCost,
  DASHSCOPE_API_KEY_ENV,
  defaultTimeouts,
  errorFromResponse,
  lookupModelInfo,
  type OpenAICompatibleOptions,
  type OpenAICompatibleTimeouts,
  openaiCompatible,
  type ProviderErrorInfo,
  parseErrorBody,
  parseRetryAfter,
  type QwenCatalogEntry,
  type QwenModel,
  type QwenModelId,
  type QwenOptions,
  type QwenRegion,
  type QwenRegionName,
  qwen,
  qwenBaseURL,
  qwenCatalog,
  qwenRegions,
} from "./models/index.ts";
export * from "./models/qwen-text/index.ts";
export { type ModelRetryOptions, modelRetry, modelRetryDelay } from "./plugins/model-retry.ts";
export * from "./schema/index.ts";
export { type ToolDefinition, tool } from "./tools/define-tool.ts";
export type * from "./tools/tool.ts";
export {
  assertToolName,
  createToolNameMap,
  InvalidToolNameError,
  isProviderToolName,
  PROVIDER_TOOL_NAME,
  type ToolNameMap,
  toProviderToolName,
} from "./tools/tool-name.ts";
