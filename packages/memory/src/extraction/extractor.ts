import { type Message, type Model, SkeinError, type ToolLogger } from "@skein/core";
import type { Memory } from "../memory/memory.ts";
import type { ExtractionJob, ExtractionTrigger } from "../store/types.ts";
import { type Consolidator, modelConsolidator, ruleConsolidator } from "./consolidate.ts";
import { ExtractionQueueError } from "./errors.ts";
import {
  type ExtractionDeps,
  type ExtractionInput,
  type ExtractionScope,
  errorInfo,
  runExtractionJob,
} from "./run-extraction.ts";
import { defaultStrategies, type ExtractionStrategy } from "./strategies.ts";

export interface MemoryExtractorOptions {
  memory: Memory;
  /** The model strategies use unless they name their own. */
  model: Model;
  /** Default: the four built-in strategies. */
  strategies?: ExtractionStrategy[];
  /** Extract after this many user turns of a session (default 4), and at session end. */
  everyTurns?: number;
  /** Jobs running at once (default 1). */
  concurrency?: number;
  /** Jobs waiting at most; beyond, a new job is recorded as failed with `extraction_queue_full` (default 100). */
  maxQueued?: number;
  /** `model` (default): the consolidation model decides new/duplicate/update/contradiction; `rule`: word match only. */
  consolidation?: "model" | "rule";
  /** Default: `model`. */
  consolidationModel?: Model;
  /** A job running longer is cancelled and fails (default 120 s). */
  jobTimeoutMs?: number;
  /** Sessions whose progress is tracked; the least recently active are forgotten beyond this (default 10,000). */
  maxSessions?: number;
  /** Called when a job is queued and when it ends. */
  onJob?: (job: ExtractionJob) => void;
  logger?: ToolLogger;
  now?: () => number;
}

interface QueuedJob {
  job: ExtractionJob;
  scope: ExtractionScope;
  input: ExtractionInput;
}

interface SessionProgress {
  /** Messages of the session already given to a job. */
  processed: number;
  last: Message[];
  runId?: string;
}

const userTurns = (messages: readonly Message[]): number => messages.filter((m) => m.role === "user").length;

/**
 * Runs extraction jobs in the background, off every run's critical path: a bounded queue with bounded
 * concurrency. `onTurn` and `endSession` only record a queued job and return; the work happens later. Every job
 * is observable in the store (`getJob`, `listJobs`): queued, running, succeeded with what it created, updated,
 * contradicted or found duplicated, or failed with its error.
 */
export class MemoryExtractor {
  readonly strategies: readonly ExtractionStrategy[];
  private readonly options: MemoryExtractorOptions;
  private readonly deps: ExtractionDeps;
  private readonly queue: QueuedJob[] = [];
  private readonly sessions = new Map<string, SessionProgress>();
  private readonly waiters = new Map<string, ((job: ExtractionJob) => void)[]>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly controller = new AbortController();
  private running = 0;
  private creating = 0;
  private closed = false;

  constructor(options: MemoryExtractorOptions) {
    this.options = options;
    this.strategies = options.strategies ?? defaultStrategies();
    const names = new Set(this.strategies.map((s) => s.name));
    if (names.size !== this.strategies.length)
      throw new SkeinError("invalid_strategies", "Two extraction strategies share a name");
    const consolidator: Consolidator =
      options.consolidation === "rule"
        ? ruleConsolidator
        : modelConsolidator(options.consolidationModel ?? options.model);
    this.deps = {
      memory: options.memory,
      model: options.model,
      strategies: [...this.strategies],
      consolidator,
      now: options.now,
    };
  }

  /** Jobs waiting and running in this process. */
  get pending(): number {
    return this.queue.length + this.running;
  }

  /**
   * Call after each run of a session with its whole history: queues a job for the messages not yet extracted once
   * they hold `everyTurns` user turns. Returns the queued job, if any.
   */
  async onTurn(
    scope: ExtractionScope,
    messages: Message[],
    extra: { runId?: string; eventIds?: string[] } = {},
  ): Promise<ExtractionJob | undefined> {
    if (!scope.sessionId) return undefined;
    const key = `${scope.tenantId}\u0000${scope.sessionId}`;
    const progress = this.sessions.get(key) ?? { processed: 0, last: [] };
    // A shorter history than what was processed means the session was rewritten (a branch): start over.
    if (messages.length < progress.processed) progress.processed = 0;
    progress.last = messages;
    progress.runId = extra.runId;
    this.touch(key, progress);
    const window = messages.slice(progress.processed);
    if (userTurns(window) < (this.options.everyTurns ?? 4)) return undefined;
    progress.processed = messages.length;
    return this.enqueue(scope, { messages: window, runId: extra.runId, eventIds: extra.eventIds }, "turns");
  }

  /** Call when a session ends: queues a job for what was not extracted yet (`messages` default: the last seen). */
  async endSession(scope: ExtractionScope, messages?: Message[]): Promise<ExtractionJob | undefined> {
    if (!scope.sessionId) return undefined;
    const key = `${scope.tenantId}\u0000${scope.sessionId}`;
    const progress = this.sessions.get(key);
    this.sessions.delete(key);
    const all = messages ?? progress?.last ?? [];
    const window = all.slice(progress && all.length >= progress.processed ? progress.processed : 0);
    if (userTurns(window) === 0) return undefined;
    return this.enqueue(scope, { messages: window, runId: progress?.runId }, "session-end");
  }

  /** Queues a job for `input` with every strategy (or the named ones). */
  async enqueue(
    scope: ExtractionScope,
    input: ExtractionInput,
    trigger: ExtractionTrigger = "manual",
    strategies: string[] = this.strategies.map((s) => s.name),
  ): Promise<ExtractionJob> {
    if (this.closed) throw new ExtractionQueueError("extractor_closed", "The memory extractor is closed");
    const store = this.options.memory.store;
    this.creating++;
    let job: ExtractionJob;
    try {
      job = await store.createJob(scope.tenantId, {
        namespace: scope.namespace,
        sessionId: scope.sessionId,
        trigger,
        strategies,
        messageCount: input.messages.length,
      });
    } finally {
      this.creating--;
      this.settleIdle();
    }
    if (this.queue.length >= (this.options.maxQueued ?? 100)) {
      const error = new ExtractionQueueError("extraction_queue_full", "Too many extraction jobs are waiting");
      job = await store.updateJob(scope.tenantId, job.id, { status: "failed", error: errorInfo(error) });
      this.options.logger?.warn("memory extraction queue full", { jobId: job.id });
      this.notify(job);
      return job;
    }
    this.queue.push({ job, scope, input });
    this.options.onJob?.(job);
    this.pump();
    return job;
  }

  /** Resolves with the job once it has ended (at once when it already has). */
  wait(tenantId: string, jobId: string): Promise<ExtractionJob> {
    return new Promise((resolve, reject) => {
      const list = this.waiters.get(jobId) ?? [];
      list.push(resolve);
      this.waiters.set(jobId, list);
      // Registered first, then checked: a job that ended before this call is found in the store.
      this.options.memory.store.getJob(tenantId, jobId).then((job) => {
        if (job && (job.status === "succeeded" || job.status === "failed")) {
          this.waiters.set(
            jobId,
            (this.waiters.get(jobId) ?? []).filter((r) => r !== resolve),
          );
          resolve(job);
        }
      }, reject);
    });
  }

  /** Resolves when no job is queued or running. */
  idle(): Promise<void> {
    if (this.pending === 0 && this.creating === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Cancels running jobs, fails queued ones with `extractor_closed`, and refuses new ones. */
  async close(): Promise<void> {
    this.closed = true;
    this.controller.abort(new ExtractionQueueError("extractor_closed", "The memory extractor was closed"));
    const dropped = this.queue.splice(0);
    for (const item of dropped) {
      const error = {
        code: "extractor_closed",
        message: "The memory extractor was closed before the job ran",
      };
      const job = await this.options.memory.store
        .updateJob(item.scope.tenantId, item.job.id, { status: "failed", error })
        .catch(() => ({ ...item.job, status: "failed" as const, error }));
      this.notify(job);
    }
    await this.idle();
  }

  private touch(key: string, progress: SessionProgress): void {
    this.sessions.delete(key);
    this.sessions.set(key, progress);
    const max = this.options.maxSessions ?? 10_000;
    while (this.sessions.size > max) this.sessions.delete(this.sessions.keys().next().value!);
  }

  private pump(): void {
    while (this.running < (this.options.concurrency ?? 1) && this.queue.length > 0) {
      const item = this.queue.shift()!;
      this.running++;
      void this.run(item);
    }
  }

  private async run(item: QueuedJob): Promise<void> {
    const signal = AbortSignal.any([
      this.controller.signal,
      AbortSignal.timeout(this.options.jobTimeoutMs ?? 120_000),
    ]);
    let job: ExtractionJob;
    try {
      job = await runExtractionJob(this.deps, item.job, item.scope, item.input, signal);
    } catch (error) {
      // The job's own record could not be written (its namespace was deleted meanwhile, say).
      job = { ...item.job, status: "failed", error: errorInfo(error) };
    }
    if (job.status === "failed")
      this.options.logger?.warn("memory extraction failed", { jobId: job.id, error: job.error?.message });
    this.running--;
    this.notify(job);
    this.pump();
  }

  private notify(job: ExtractionJob): void {
    this.options.onJob?.(job);
    for (const resolve of this.waiters.get(job.id) ?? []) resolve(job);
    this.waiters.delete(job.id);
    this.settleIdle();
  }

  private settleIdle(): void {
    if (this.pending === 0 && this.creating === 0)
      for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
