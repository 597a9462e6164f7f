import type { Usage } from "@skein/core";
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/**
 * The runtime's Prometheus metrics, in a registry of its own (never prom-client's global one, so two servers in
 * one process never mix). Labels are bounded: routes are the registered patterns, never raw paths.
 */
export class RuntimeMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<"method" | "route" | "status">;
  private readonly latency: Histogram<"method" | "route">;
  private readonly runs: Counter<"tenant" | "agent" | "stop_reason">;
  private readonly tokens: Counter<"tenant" | "agent" | "type">;
  private readonly cost: Counter<"tenant" | "agent" | "currency">;
  private activeRuns: () => number = () => 0;

  constructor(options: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: "skein_http_requests_total",
      help: "HTTP requests by method, route pattern and status",
      labelNames: ["method", "route", "status"],
      registers,
    });
    this.latency = new Histogram({
      name: "skein_http_request_duration_seconds",
      help: "Time to the response head (a stream's start, not its end), by method and route pattern",
      labelNames: ["method", "route"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    const metrics = this;
    new Gauge({
      name: "skein_active_runs",
      help: "Agent runs in flight in this process",
      registers,
      collect() {
        this.set(metrics.activeRuns());
      },
    });
    this.runs = new Counter({
      name: "skein_runs_total",
      help: "Ended agent runs by tenant, agent and stop reason",
      labelNames: ["tenant", "agent", "stop_reason"],
      registers,
    });
    this.tokens = new Counter({
      name: "skein_model_tokens_total",
      help: "Model tokens used by runs, by tenant, agent and type (input or output)",
      labelNames: ["tenant", "agent", "type"],
      registers,
    });
    this.cost = new Counter({
      name: "skein_model_cost_total",
      help: "Model cost of runs from the model catalog's prices, by tenant, agent and currency",
      labelNames: ["tenant", "agent", "currency"],
      registers,
    });
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: "skein_" });
  }

  /** Where `skein_active_runs` reads from (the run manager). */
  trackActiveRuns(count: () => number): void {
    this.activeRuns = count;
  }

  runEnded(labels: { tenant: string; agent: string; stopReason: string }, usage: Usage): void {
    const { tenant, agent } = labels;
    this.runs.inc({ tenant, agent, stop_reason: labels.stopReason });
    this.tokens.inc({ tenant, agent, type: "input" }, usage.inputTokens);
    this.tokens.inc({ tenant, agent, type: "output" }, usage.outputTokens);
    if (usage.cost) this.cost.inc({ tenant, agent, currency: usage.cost.currency }, usage.cost.total);
  }

  /** Counts and times every request; mount it before anything that can answer. */
  middleware(): MiddlewareHandler {
    return async (c, next) => {
      const started = performance.now();
      try {
        await next();
      } finally {
        const route = routePath(c) || "unmatched";
        const method = c.req.method;
        this.requests.inc({ method, route, status: String(c.res.status) });
        this.latency.observe({ method, route }, (performance.now() - started) / 1000);
      }
    };
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
