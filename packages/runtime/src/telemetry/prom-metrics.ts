import type { Usage } from "@skein/core";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export interface RunLabels {
  tenant: string;
  agent: string;
  stopReason: string;
}

/**
 * The prom-client side of `RuntimeMetrics`, a module of its own that loads on first use: prom-client (with the
 * OpenTelemetry API it pulls in) is no part of answering a server's first request. A registry of its own (never
 * prom-client's global one, so two servers in one process never mix). Labels are bounded: routes are the
 * registered patterns, never raw paths.
 */
export class PromMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<"method" | "route" | "status">;
  private readonly latency: Histogram<"method" | "route">;
  private readonly runs: Counter<"tenant" | "agent" | "stop_reason">;
  private readonly tokens: Counter<"tenant" | "agent" | "type">;
  private readonly cost: Counter<"tenant" | "agent" | "currency">;

  constructor(options: { processMetrics: boolean; activeRuns: () => number }) {
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
    new Gauge({
      name: "skein_active_runs",
      help: "Agent runs in flight in this process",
      registers,
      collect() {
        this.set(options.activeRuns());
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

  request(method: string, route: string, status: number, seconds: number): void {
    this.requests.inc({ method, route, status: String(status) });
    this.latency.observe({ method, route }, seconds);
  }

  runEnded(labels: RunLabels, usage: Usage): void {
    const { tenant, agent } = labels;
    this.runs.inc({ tenant, agent, stop_reason: labels.stopReason });
    this.tokens.inc({ tenant, agent, type: "input" }, usage.inputTokens);
    this.tokens.inc({ tenant, agent, type: "output" }, usage.outputTokens);
    if (usage.cost) this.cost.inc({ tenant, agent, currency: usage.cost.currency }, usage.cost.total);
  }
}
