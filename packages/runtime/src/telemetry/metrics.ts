import type { Usage } from "@skein/core";
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { PromMetrics, RunLabels } from "./prom-metrics.ts";

/** What prom-client's registries answer with (Prometheus text format 0.0.4). */
const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/**
 * The runtime's Prometheus metrics: requests, latency, active runs, and runs, tokens and cost by tenant and agent.
 * prom-client (`prom-metrics.ts`) loads on first use or `warmUp()`, not with this module; what is counted before
 * it has loaded (a server's first requests) is kept in order and counted once it has.
 */
export class RuntimeMetrics {
  private readonly processMetrics: boolean;
  private prom: PromMetrics | undefined;
  private loading: Promise<PromMetrics> | undefined;
  private pending: ((metrics: PromMetrics) => void)[] = [];
  private activeRuns: () => number = () => 0;

  constructor(options: { processMetrics?: boolean } = {}) {
    this.processMetrics = options.processMetrics === true;
  }

  /** Loads prom-client and sets the metrics up, once; a server calls it once its first response is out. */
  warmUp(): Promise<void> {
    return this.load().then(
      () => undefined,
      () => undefined, // text() reports it
    );
  }

  private load(): Promise<PromMetrics> {
    this.loading ??= import("./prom-metrics.ts").then(
      ({ PromMetrics }) => {
        const prom = new PromMetrics({
          processMetrics: this.processMetrics,
          activeRuns: () => this.activeRuns(),
        });
        for (const record of this.pending) record(prom);
        this.pending = [];
        this.prom = prom;
        return prom;
      },
      (error: unknown) => {
        this.pending = [];
        throw error;
      },
    );
    return this.loading;
  }

  private record(update: (metrics: PromMetrics) => void): void {
    if (this.prom) {
      update(this.prom);
      return;
    }
    // Loaded after the current I/O: the response being counted goes out first. text() reports a failure.
    if (this.pending.push(update) === 1) setImmediate(() => this.load().catch(() => {}));
  }

  /** Where `skein_active_runs` reads from (the run manager). */
  trackActiveRuns(count: () => number): void {
    this.activeRuns = count;
  }

  runEnded(labels: RunLabels, usage: Usage): void {
    this.record((metrics) => metrics.runEnded(labels, usage));
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
        const status = c.res.status;
        const seconds = (performance.now() - started) / 1000;
        this.record((metrics) => metrics.request(method, route, status, seconds));
      }
    };
  }

  async text(): Promise<string> {
    return (await this.load()).registry.metrics();
  }

  get contentType(): string {
    return this.prom?.registry.contentType ?? PROMETHEUS_CONTENT_TYPE;
  }
}
