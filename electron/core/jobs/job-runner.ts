import type { AppErrorData, ErrorCode } from '../../../shared/domain/errors';
import { llmProviderNameSchema, type LLMProviderName } from '../../../shared/domain/llm';
import type { Job, JobItem, JobProgress } from '../../../shared/domain/records';
import { AppError, toAppErrorData } from '../errors';
import type { RateLimitInfo } from '../llm';
import type { Logger } from '../log';
import type { Store } from '../storage';
import { systemClock, type Clock } from './clock';
import type { RateLimiter, RateLimitPermit } from './rate-limiter';

/** What `processItem` gets besides the item. */
export interface ProcessItemContext {
  job: Job;
  /** The provider that must answer this attempt (after any fallback); null for a job without one (rules only). */
  provider: LLMProviderName | null;
  /** Aborts when the job is paused or cancelled, or the runner closes. Pass it to the provider call. */
  signal: AbortSignal;
  /** Pass as `CallOptions.onRateLimit`, so the scheduler hears the vendor's rate-limit headers. */
  onRateLimit(info: RateLimitInfo): void;
  /** 1-based count of the calls made for this item in this run, across providers. */
  attempt: number;
}

/** What `processItem` returns once the result is saved. */
export interface ProcessedItem {
  resultId: string;
  /** Tokens the call used (input + output), so the token budget learns the real size of calls. */
  tokens?: number;
}

/**
 * Does one item: one model call and its result. To survive a crash it must save the result and
 * mark the item done in ONE transaction (`store.jobs.completeWithSequence` / `completeWithReply`),
 * and record the call's usage row when the response arrives. If it returns without marking the
 * item done, the runner does so with `completeItem`. Failures are thrown as AppError/LLMError.
 */
export type ProcessItem = (item: JobItem, context: ProcessItemContext) => Promise<ProcessedItem>;

export interface JobRunnerOptions {
  store: Store;
  processItem: ProcessItem;
  limiter: RateLimiter;
  logger: Logger;
  /** Progress of a job, at most every `progressIntervalMs` while it runs, and at once on every status change. */
  onProgress?: (progress: JobProgress) => void;
  /** The time for ETAs; defaults to the clock's. */
  now?: () => number;
  clock?: Clock;
  /** Items in flight per job unless the job's params say `concurrency`. Defaults to 8. */
  concurrency?: number;
  /** Calls per item on one provider for transient errors before it falls back or fails. Defaults to 3. */
  attemptsPerProvider?: number;
  /** Backoff between probes while the network is down. Defaults to 2 s doubling to 60 s. */
  offlineProbe?: { initialMs: number; maxMs: number };
  /** Defaults to 250 ms. */
  progressIntervalMs?: number;
}

/**
 * Runs batch jobs stored in SQLite. Every state change goes to the store first, so a crash or a
 * restart loses nothing: `resume` requeues items left running, skips done ones and makes no
 * duplicates.
 */
export interface JobRunner {
  /** Starts a queued job and returns it running; `settled` says when it stops. */
  start(jobId: string): Job;
  /** Continues a paused or interrupted job (or a failed one after its cause is fixed). */
  resume(jobId: string): Promise<Job>;
  /** Pauses: in-flight calls are aborted and their items go back to pending. Resolves when they have. */
  pause(jobId: string): Promise<Job>;
  /** Cancels for good: like pause, but the job cannot be resumed. */
  cancel(jobId: string): Promise<Job>;
  /**
   * Puts one failed or waiting item back in the queue. A running job picks it up; a completed or
   * failed job runs again for it; a paused one runs it on resume.
   */
  retryItem(jobId: string, itemId: string): JobItem;
  progress(jobId: string): JobProgress;
  /** Whether this runner is running the job now. */
  isActive(jobId: string): boolean;
  /** Resolves with the job when its current run stops (completed, paused, cancelled, failed, closed). */
  settled(jobId: string): Promise<Job>;
  /** Stops every run without changing job statuses, as a shutdown does; `resume` continues them later. */
  close(): Promise<void>;
}

/** Errors that every item would hit: the whole job pauses with the reason until the user fixes it. */
const STOP_CODES: ReadonlySet<ErrorCode> = new Set(['quota_exhausted', 'auth', 'budget_exceeded', 'no_key', 'permission', 'model_not_found']);
/** Errors worth another call on the same provider, within `attemptsPerProvider`. */
const TRANSIENT_CODES: ReadonlySet<ErrorCode> = new Set(['rate_limited', 'overloaded', 'server', 'timeout']);
/** Errors that move an item to the next provider of the fallback order once its attempts are spent. */
const FALLBACK_CODES: ReadonlySet<ErrorCode> = new Set(['rate_limited', 'overloaded', 'server']);

const ETA_WINDOW = 50;

interface ItemState {
  providerIndex: number;
  attemptsOnProvider: number;
  calls: number;
}

type StopKind = 'paused' | 'cancelled' | 'failed' | 'closed';

interface Run {
  jobId: string;
  job: Job;
  providers: Array<LLMProviderName | null>;
  concurrency: number;
  inFlight: Map<string, AbortController>;
  tasks: Set<Promise<void>>;
  stop: { kind: StopKind; reason: AppErrorData | null } | null;
  woken: boolean;
  wakeLoop: (() => void) | null;
  offline: { backoffMs: number; probeDue: boolean; cancelTimer: (() => void) | null } | null;
  probeItemId: string | null;
  items: Map<string, ItemState>;
  finishedAt: number[];
  lastEmitAt: number;
  cancelEmitTimer: (() => void) | null;
  done: Promise<Job>;
}

function readFallbackOrder(params: Record<string, unknown>): LLMProviderName[] {
  const raw = params.fallbackOrder;
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((name) => {
    const parsed = llmProviderNameSchema.safeParse(name);
    return parsed.success ? [parsed.data] : [];
  });
}

function readConcurrency(params: Record<string, unknown>, fallback: number): number {
  const raw = params.concurrency;
  return typeof raw === 'number' && Number.isInteger(raw) && raw >= 1 && raw <= 64 ? raw : fallback;
}

function conflict(message: string): AppError {
  return new AppError('conflict', message);
}

export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const { store, processItem, limiter, logger } = options;
  const clock = options.clock ?? systemClock;
  const now = options.now ?? (() => clock.now());
  const defaultConcurrency = options.concurrency ?? 8;
  const attemptsPerProvider = Math.max(1, options.attemptsPerProvider ?? 3);
  const probe = options.offlineProbe ?? { initialMs: 2000, maxMs: 60_000 };
  const progressIntervalMs = options.progressIntervalMs ?? 250;
  const runs = new Map<string, Run>();

  function getJob(jobId: string): Job {
    const job = store.jobs.get(jobId);
    if (!job) throw new AppError('not_found', `There is no job ${jobId}: it may have been deleted. Refresh the job list.`);
    return job;
  }

  function computeProgress(jobId: string, run?: Run): JobProgress {
    const job = getJob(jobId);
    const counts = store.jobs.progress(jobId);
    const remaining = counts.pending + counts.running + counts.waiting;
    let etaMs: number | null = null;
    if (job.status === 'running' && run && !run.offline && run.finishedAt.length >= 2 && remaining > 0) {
      const first = run.finishedAt[0]!;
      const elapsed = Math.max(1, now() - first);
      etaMs = Math.round((remaining * elapsed) / (run.finishedAt.length - 1));
    }
    return {
      jobId,
      status: job.status,
      total: counts.total,
      done: counts.done,
      failed: counts.failed,
      waiting: counts.waiting,
      etaMs,
      pauseReason: job.pauseReason,
    };
  }

  function emitProgress(run: Run, immediate = false): void {
    if (!options.onProgress) return;
    const elapsed = now() - run.lastEmitAt;
    if (!immediate && elapsed < progressIntervalMs) {
      run.cancelEmitTimer ??= clock.setTimer(() => {
        run.cancelEmitTimer = null;
        emitProgress(run, true);
      }, progressIntervalMs - elapsed);
      return;
    }
    run.cancelEmitTimer?.();
    run.cancelEmitTimer = null;
    run.lastEmitAt = now();
    try {
      options.onProgress(computeProgress(run.jobId, run));
    } catch (error) {
      logger.error('job progress listener failed', { jobId: run.jobId, error });
    }
  }

  function wake(run: Run): void {
    run.woken = true;
    const resume = run.wakeLoop;
    run.wakeLoop = null;
    resume?.();
  }

  async function waitForWake(run: Run): Promise<void> {
    if (!run.woken) await new Promise<void>((resolve) => (run.wakeLoop = resolve));
    run.woken = false;
  }

  function requestStop(run: Run, kind: StopKind, reason: AppErrorData | null): void {
    if (run.stop && !(kind === 'cancelled' && run.stop.kind === 'paused')) return;
    run.stop = { kind, reason };
    if (kind !== 'closed') store.jobs.setStatus(run.jobId, kind, reason);
    run.offline?.cancelTimer?.();
    for (const controller of run.inFlight.values()) controller.abort(new AppError('aborted', 'The job was stopped.'));
    emitProgress(run, true);
    wake(run);
  }

  function scheduleProbe(run: Run): void {
    const offline = run.offline;
    if (!offline || offline.cancelTimer || offline.probeDue || run.stop) return;
    const delay = offline.backoffMs;
    offline.backoffMs = Math.min(probe.maxMs, offline.backoffMs * 2);
    offline.cancelTimer = clock.setTimer(() => {
      offline.cancelTimer = null;
      offline.probeDue = true;
      wake(run);
    }, delay);
  }

  function goOffline(run: Run, data: AppErrorData): void {
    if (!run.offline) {
      logger.warn('job is offline: items wait until calls succeed again', { jobId: run.jobId, provider: data.provider });
      run.offline = { backoffMs: probe.initialMs, probeDue: false, cancelTimer: null };
    }
    scheduleProbe(run);
  }

  function goOnline(run: Run): void {
    if (!run.offline) return;
    run.offline.cancelTimer?.();
    run.offline = null;
    const moved = store.jobs.requeueWaiting(run.jobId);
    logger.info('job is back online', { jobId: run.jobId, requeued: moved });
  }

  function recordFinished(run: Run): void {
    run.finishedAt.push(now());
    if (run.finishedAt.length > ETA_WINDOW) run.finishedAt.shift();
  }

  function toErrorData(error: unknown, run: Run, item: JobItem): AppErrorData {
    if (!(error instanceof AppError)) logger.error('job item failed with an unexpected error', { jobId: run.jobId, itemId: item.id, error });
    return toAppErrorData(error);
  }

  /** One item, from its first call to done, failed, waiting, or back to the queue when the job stops. */
  async function executeItem(run: Run, item: JobItem, signal: AbortSignal): Promise<void> {
    const state = run.items.get(item.id) ?? { providerIndex: 0, attemptsOnProvider: 0, calls: 0 };
    run.items.set(item.id, state);
    for (;;) {
      const provider = run.providers[state.providerIndex] ?? null;
      let permit: RateLimitPermit | null = null;
      try {
        if (provider) permit = await limiter.acquire(provider, { signal });
        state.calls++;
        const result = await processItem(item, {
          job: run.job,
          provider,
          signal,
          attempt: state.calls,
          onRateLimit: (info) => limiter.report(info),
        });
        if (permit) limiter.succeed(permit, result.tokens);
        if (store.jobs.getItem(item.id)?.status !== 'done') store.jobs.completeItem(item.id, { resultId: result.resultId, provider });
        run.items.delete(item.id);
        recordFinished(run);
        goOnline(run);
        return;
      } catch (error) {
        // Stopped: the item stays running and is requeued when the run ends.
        if (signal.aborted) return;
        const data = toErrorData(error, run, item);
        if (STOP_CODES.has(data.code)) {
          logger.warn('job paused by an error every item would hit', { jobId: run.jobId, code: data.code, provider: data.provider });
          requestStop(run, 'paused', data);
          return;
        }
        if (data.code === 'offline') {
          store.jobs.failItem(item.id, data, { waiting: true, provider });
          goOffline(run, data);
          return;
        }
        if (provider && (data.code === 'rate_limited' || data.code === 'overloaded' || data.code === 'server')) {
          limiter.penalize(provider, { code: data.code, retryAfterMs: data.retryAfterMs });
        }
        if (TRANSIENT_CODES.has(data.code)) {
          state.attemptsOnProvider++;
          if (state.attemptsOnProvider < attemptsPerProvider) continue;
          const next = run.providers[state.providerIndex + 1];
          if (FALLBACK_CODES.has(data.code) && next) {
            logger.warn('item falls back to the next provider', { jobId: run.jobId, itemId: item.id, from: provider, to: next, code: data.code });
            state.providerIndex++;
            state.attemptsOnProvider = 0;
            continue;
          }
        }
        store.jobs.failItem(item.id, data, { provider });
        run.items.delete(item.id);
        recordFinished(run);
        return;
      }
    }
  }

  function launch(run: Run, item: JobItem): void {
    const controller = new AbortController();
    run.inFlight.set(item.id, controller);
    const task = executeItem(run, item, controller.signal)
      .catch((error: unknown) => {
        // Only the store can fail here (disk full, corrupt file): every other item would fail too.
        logger.error('job stopped by a storage error', { jobId: run.jobId, itemId: item.id, error });
        requestStop(run, 'failed', toAppErrorData(error));
      })
      .finally(() => {
        run.inFlight.delete(item.id);
        run.tasks.delete(task);
        if (run.probeItemId === item.id) {
          run.probeItemId = null;
          scheduleProbe(run);
        }
        emitProgress(run);
        wake(run);
      });
    run.tasks.add(task);
  }

  /** While offline, one item at a time tests whether calls succeed again. */
  function claimProbe(run: Run): JobItem[] {
    const offline = run.offline!;
    if (!offline.probeDue || run.inFlight.size > 0) return [];
    offline.probeDue = false;
    let claimed = store.jobs.claimPending(run.jobId, 1);
    if (claimed.length === 0) {
      const [waiting] = store.jobs.items(run.jobId, { status: 'waiting', offset: 0, limit: 1 });
      if (waiting) {
        store.jobs.retryItem(waiting.id);
        claimed = store.jobs.claimPending(run.jobId, 1);
      }
    }
    run.probeItemId = claimed[0]?.id ?? null;
    // Nothing left to probe with (the waiting items were retried or cancelled): leave the offline state.
    if (!run.probeItemId) goOnline(run);
    return claimed;
  }

  async function loop(run: Run): Promise<void> {
    for (;;) {
      if (run.stop) return;
      const free = run.concurrency - run.inFlight.size;
      let claimed: JobItem[] = [];
      if (free > 0) claimed = run.offline ? claimProbe(run) : store.jobs.claimPending(run.jobId, free);
      for (const item of claimed) launch(run, item);
      if (run.inFlight.size === 0 && claimed.length === 0 && !run.offline) {
        const counts = store.jobs.progress(run.jobId);
        if (counts.waiting > 0) {
          // Items left waiting by an earlier run: probe at once.
          run.offline = { backoffMs: probe.initialMs, probeDue: true, cancelTimer: null };
          continue;
        }
        if (counts.running > 0) {
          store.jobs.requeueRunning(run.jobId);
          continue;
        }
        store.jobs.setStatus(run.jobId, 'completed', null);
        logger.info('job completed', { jobId: run.jobId, done: counts.done, failed: counts.failed });
        return;
      }
      await waitForWake(run);
    }
  }

  function begin(job: Job): Run {
    let resolveDone!: (job: Job) => void;
    const run: Run = {
      jobId: job.id,
      job,
      providers: job.provider ? [...new Set([job.provider, ...readFallbackOrder(job.params)])] : [null],
      concurrency: readConcurrency(job.params, defaultConcurrency),
      inFlight: new Map(),
      tasks: new Set(),
      stop: null,
      woken: false,
      wakeLoop: null,
      offline: null,
      probeItemId: null,
      items: new Map(),
      finishedAt: [],
      lastEmitAt: -Infinity,
      cancelEmitTimer: null,
      done: new Promise<Job>((resolve) => (resolveDone = resolve)),
    };
    runs.set(job.id, run);
    logger.info('job running', { jobId: job.id, kind: job.kind, providers: run.providers, concurrency: run.concurrency });
    void (async () => {
      try {
        await loop(run);
      } catch (error) {
        logger.error('job stopped by a storage error', { jobId: run.jobId, error });
        requestStop(run, 'failed', toAppErrorData(error));
      }
      await Promise.allSettled([...run.tasks]);
      run.offline?.cancelTimer?.();
      let final: Job;
      try {
        store.jobs.requeueRunning(run.jobId);
        final = getJob(run.jobId);
      } catch (error) {
        logger.error('could not requeue the running items of a stopped job', { jobId: run.jobId, error });
        final = { ...run.job, status: run.stop?.kind === 'closed' ? run.job.status : 'failed' };
      }
      runs.delete(run.jobId);
      emitProgress(run, true);
      resolveDone(final);
    })();
    return run;
  }

  /** Starts a run of a job that has none; `allowed` are the statuses it may start from. */
  function beginRun(jobId: string, allowed: ReadonlySet<Job['status']>): Job {
    const job = getJob(jobId);
    if (!allowed.has(job.status)) {
      throw conflict(
        job.status === 'queued'
          ? `Job ${jobId} has not started yet: start it instead.`
          : `Job ${jobId} is ${job.status} and cannot be ${allowed.has('queued') ? 'started' : 'resumed'}.`,
      );
    }
    // Items left running by a crash or a pause go back to the queue; done items are never touched.
    store.jobs.requeueRunning(jobId);
    const running = store.jobs.setStatus(jobId, 'running', null);
    const run = begin(running);
    emitProgress(run, true);
    return running;
  }

  async function resumeJob(jobId: string, allowed: ReadonlySet<Job['status']>): Promise<Job> {
    const active = runs.get(jobId);
    if (active) {
      if (!active.stop) return getJob(jobId);
      await active.done;
    }
    return beginRun(jobId, allowed);
  }

  async function stopJob(jobId: string, kind: 'paused' | 'cancelled'): Promise<Job> {
    const run = runs.get(jobId);
    if (run) {
      requestStop(run, kind, null);
      return run.done;
    }
    const job = getJob(jobId);
    if (job.status === 'completed' || job.status === 'cancelled') {
      throw conflict(`Job ${jobId} is already ${job.status}.`);
    }
    if (kind === 'paused' && job.status === 'paused') return job;
    store.jobs.requeueRunning(jobId);
    return store.jobs.setStatus(jobId, kind, null);
  }

  return {
    start(jobId) {
      return runs.has(jobId) ? getJob(jobId) : beginRun(jobId, new Set(['queued']));
    },
    resume: (jobId) => resumeJob(jobId, new Set(['paused', 'running', 'failed', 'queued'])),
    pause: (jobId) => stopJob(jobId, 'paused'),
    cancel: (jobId) => stopJob(jobId, 'cancelled'),

    retryItem(jobId, itemId) {
      const item = store.jobs.getItem(itemId);
      if (!item || item.jobId !== jobId) throw new AppError('not_found', `Job ${jobId} has no item ${itemId}. Refresh the job.`);
      const retried = store.jobs.retryItem(itemId);
      const run = runs.get(jobId);
      if (run) {
        // A stopping run leaves the item pending for the next resume.
        if (!run.stop) {
          run.items.delete(itemId);
          wake(run);
        }
        return retried;
      }
      const job = getJob(jobId);
      if (job.status === 'completed' || job.status === 'failed') beginRun(jobId, new Set([job.status]));
      return retried;
    },

    progress: (jobId) => computeProgress(jobId, runs.get(jobId)),
    isActive: (jobId) => runs.has(jobId),

    settled(jobId) {
      const run = runs.get(jobId);
      return run ? run.done : Promise.resolve(getJob(jobId));
    },

    async close() {
      const active = [...runs.values()];
      for (const run of active) requestStop(run, 'closed', null);
      await Promise.all(active.map((run) => run.done));
    },
  };
}
