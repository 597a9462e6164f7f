import { createRequire } from "node:module";
import type { Attributes, Tracer } from "@opentelemetry/api";
import type * as OtlpHttp from "@opentelemetry/exporter-trace-otlp-http";
import { detectResources, envDetector, resourceFromAttributes } from "@opentelemetry/resources";
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type IdGenerator,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from "@opentelemetry/semantic-conventions";

export interface OtlpTracingOptions {
  serviceName: string;
  serviceVersion?: string;
  /** More resource attributes; `OTEL_RESOURCE_ATTRIBUTES` and `OTEL_SERVICE_NAME` still win, as the spec says. */
  resourceAttributes?: Attributes;
  /** Processors to run beside the OTLP exporter (e.g. a trace store). */
  spanProcessors?: SpanProcessor[];
  /** The provider's span and trace ids (e.g. `RunSpanIds`); default random. */
  idGenerator?: IdGenerator;
}

export interface OtlpTracing {
  tracer: Tracer;
  provider: BasicTracerProvider;
  /** Exports every span ended so far. */
  forceFlush(): Promise<void>;
  /** Flushes, then stops the exporter. */
  shutdown(): Promise<void>;
}

// Loaded only when an endpoint is set: the exporter and the OTLP transformer (with the metrics and logs SDKs) are
// ~170 modules, about 50 ms of every server start. It is CommonJS, so a synchronous require serves.
const loadOtlpHttp = () =>
  createRequire(import.meta.url)("@opentelemetry/exporter-trace-otlp-http") as typeof OtlpHttp;

const isSet = (name: string): boolean => (process.env[name]?.trim() ?? "") !== "";

/** True when the standard variables ask for OTLP trace export. */
export const otlpTracingConfigured = (): boolean =>
  process.env.OTEL_SDK_DISABLED?.trim().toLowerCase() !== "true" &&
  (isSet("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") || isSet("OTEL_EXPORTER_OTLP_ENDPOINT"));

/**
 * OTLP/HTTP trace export configured by the standard variables (`OTEL_EXPORTER_OTLP_ENDPOINT`,
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, `OTEL_EXPORTER_OTLP_HEADERS`, timeouts, compression, certificates),
 * read by the exporter itself. Returns undefined when no endpoint is set. The provider is not registered
 * globally: pass `tracer` to `tracingPlugin`. Nothing here logs, so header values never reach a log.
 */
export function setupOtlpTracing(options: OtlpTracingOptions): OtlpTracing | undefined {
  if (!otlpTracingConfigured()) return undefined;
  const resource = resourceFromAttributes({
    ...options.resourceAttributes,
    [ATTR_SERVICE_NAME]: options.serviceName,
    ...(options.serviceVersion ? { [ATTR_SERVICE_VERSION]: options.serviceVersion } : {}),
  }).merge(detectResources({ detectors: [envDetector] }));
  const provider = new BasicTracerProvider({
    resource,
    idGenerator: options.idGenerator,
    spanProcessors: [
      new BatchSpanProcessor(new (loadOtlpHttp().OTLPTraceExporter)()),
      ...(options.spanProcessors ?? []),
    ],
  });
  return {
    tracer: provider.getTracer("@skein/core"),
    provider,
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
