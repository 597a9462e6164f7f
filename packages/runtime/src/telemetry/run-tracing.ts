import { BasicTracerProvider, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
import {
  RunSpanIds,
  setupOtlpTracing,
  type TracingPlugin,
  type TracingPluginOptions,
  tracingPlugin,
} from "@skein/core/telemetry";

/**
 * The OpenTelemetry side of the runtime's telemetry: the tracer provider (exporting over OTLP when the standard
 * variables say where) and the tracing plugin fed every run's events. A module of its own, imported on first use:
 * the SDK is ~170 KB of code that no server needs to answer its first request (`RuntimeTelemetry` loads it once
 * a server has answered one, and a run waits for it).
 */
export interface RunTracing {
  plugin: TracingPlugin;
  /** True when spans are exported over OTLP too. */
  otlp: boolean;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

export function startRunTracing(options: {
  recorder: SpanProcessor;
  captureContent: boolean;
  otlp: boolean;
  attributes: TracingPluginOptions["attributes"];
}): RunTracing {
  // Run spans take ids derived from their run ids: a run resumed after a crash continues its trace.
  const runSpanIds = new RunSpanIds();
  const otlp = options.otlp
    ? setupOtlpTracing({
        serviceName: "skein-runtime",
        spanProcessors: [options.recorder],
        idGenerator: runSpanIds,
      })
    : undefined;
  const provider =
    otlp?.provider ??
    new BasicTracerProvider({ spanProcessors: [options.recorder], idGenerator: runSpanIds });
  const plugin = tracingPlugin({
    tracer: provider.getTracer("@skein/runtime"),
    captureContent: options.captureContent,
    attributes: options.attributes,
    runSpanIds,
  });
  return {
    plugin,
    otlp: otlp !== undefined,
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
