export { computeCost } from "./cost.ts";
export {
  errorFromResponse,
  type ProviderErrorInfo,
  parseErrorBody,
  parseRetryAfter,
} from "./openai-compatible/http-errors.ts";
export {
  defaultTimeouts,
  type OpenAICompatibleOptions,
  type OpenAICompatibleTimeouts,
  openaiCompatible,
} from "./openai-compatible/openai-compatible.ts";
export { buildRequestBody } from "./openai-compatible/request-body.ts";
export { SseParser } from "./openai-compatible/sse-parser.ts";
export { lookupModelInfo, type QwenCatalogEntry, type QwenModelId, qwenCatalog } from "./qwen/catalog.ts";
export { DASHSCOPE_API_KEY_ENV, type QwenModel, type QwenOptions, qwen } from "./qwen/qwen.ts";
export { type QwenRegion, type QwenRegionName, qwenBaseURL, qwenRegions } from "./qwen/regions.ts";
