export { ERROR_TYPE, FIRST_CHUNK_EVENT, finishReasonOf, GEN_AI, SKEIN } from "./gen-ai.ts";
export {
  type OtlpTracing,
  type OtlpTracingOptions,
  otlpTracingConfigured,
  setupOtlpTracing,
} from "./otlp.ts";
export { isSecretKey, REDACTED, redactSecrets } from "./redact.ts";
export { RunSpanIds, runSpanIdsOf } from "./run-span-ids.ts";
export { type TracingPlugin, type TracingPluginOptions, tracingPlugin } from "./tracing-plugin.ts";
