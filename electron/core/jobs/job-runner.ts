import type { AppErrorData, ErrorCode } from '../../../shared/domain/errors';
import { llmProviderNameSchema, type LLMProviderName } from '../../../shared/domain/llm';
import type { Job, JobHolder, JobItem, JobProgress } from '../../../shared/domain/records';
import { AppError, toAppErrorData } from '../errors';
import type { RateLimitInfo } from '../llm';
import type { Logger } from '../log';
import type { LeasedJob, RunnerStore } from '../storage';
import { systemClock, type Clock } from './clock';
import { createLeaseIdentity, heldElsewhereError, isLeaseLive, retireLeaseIdentity, toJobHolder, type LeaseOptions } from './job-lease';
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
  /**
   * Waits for the provider's rate limiter. Call it right before the model call, and only then:
   * an item settled without a call (the reply rules decided it) neither waits nor spends the
   * provider's budget, and its result may be committed with others in one batch.
   */
  acquireCall(): Promise<void>;
}

/** What `processItem` returns: the result, not yet saved. */
export interface ProcessedItem {
  /**
   * Saves the result (e.g. the sequence or the reply) and returns its id. The runner calls it in
   * the transaction that marks the item done, so a crash never leaves one without the other.
   * `provider` is who produced it: null when no model did.
   */
  save(): { resultId: string; provider: LLMProviderName | null };
  /** Tokens the call used (input + output), so the token budget learns the real size of calls. */
  tokens?: number;
}

/**
 * Does one item: at most one model call (through `acquireCall`) and its result. It records the
 * call's usage row when the response arrives and returns the result unsaved. Failures are thrown
 * as AppError/LLMError.
 */
export type ProcessItem = (item: JobItem, context: ProcessItemContext) => Promise<ProcessedItem>;

export interface JobRunnerOptions {
  /** Jobs by id, through their leases: the runner touches nothing else of the store. */
  store: RunnerStore;
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
  /**
   * Items in flight for a job without a provider (rules only): no call to pace, so only the
   * machine bounds it, and more items in flight keep file reads and parsing overlapped (the
   * processor bounds their memory). Defaults to 32; the job's params' `concurrency` wins.
   */
  localConcurrency?: number;
  /** Calls per item on one provider for transient errors before it falls back or fails. Defaults to 3. */
  attemptsPerProvider?: number;
  /** Backoff between probes while the network is down. Defaults to 2 s doubling to 60 s. */
  offlineProbe?: { initialMs: number; maxMs: number };
  /** Defaults to 250 ms. */
  progressIntervalMs?: number;
  /**
   * Items settled without a model call are committed together: a transaction per `size` items or
   * per `maxDelayMs`, whichever comes first. A crash loses at most that batch, which is redone on
   * resume (its items are still pending). Defaults to 256 items or 200 ms.
   */
  commitBatch?: { size: number; maxDelayMs: number };
  /** Who this runner is in the job's lease (program, heartbeat). */
  lease?: LeaseOptions;
}

/**
 * Runs batch jobs stored in SQLite. Every state change goes to the store first, so a crash or a
 * restart loses nothing: `resume` skips done items and makes no duplicates. A run holds the job's
 * lease, so one process at a time runs a job; a second refuses and names the holder.
 */
export interface JobRunner {
  /** Starts a queued job and returns it running; `settled` says when it stops. */
  start(jobId: string): Job;
  /** Continues a paused or interrupted job (or a failed one after its cause is fixed). */
  resume(jobId: string): Promise<Job>;
  /** Pauses: in-flight calls are aborted and their items stay pending. Resolves when they have. */
  pause(jobId: string): Promise<Job>;
  /** Cancels for good: like pause, but the job cannot be resumed. */
  cancel(jobId: string): Promise<Job>;
  /**
   * Puts one failed or waiting item back in the queue. A running job picks it up; a completed or
   * failed job runs again for it; a paused one runs it on resume.
   */
  retryItem(jobId: string, itemId: string): JobItem;
  progress(jobId: string): JobProgress;
  /** Who holds the job's lease, if anyone. */
  holder(jobId: string): JobHolder | null;
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
const DEFAULT_COMMIT_BATCH = { size: 256, maxDelayMs: 200 };
/** Pending items read from the store per statement. */
const READ_AHEAD = 32;

interface ItemState {
  providerIndex: number;
  attemptsOnProvider: number;
  calls: number;
}

type StopKind = 'paused' | 'cancelled' | 'failed' | 'closed';

/** A result waiting for the next batch commit. */
interface PendingCommit {
  item: JobItem;
  processed: ProcessedItem;
}

interface Run {
  jobId: string;
  job: Job;
  writer: LeasedJob;
  providers: Array<LLMProviderName | null>;
  concurrency: number;
  inFlight: Map<string, AbortController>;
  tasks: Set<Promise<void>>;
  /** Items in flight or waiting for a batch commit: still pending in the store, but taken. */
  taken: Set<string>;
  /** The highest seq read from the store; the next read starts after it unless `rescan`. */
  cursor: number;
  /** Pending items read ahead, in order, not yet started. */
  queue: JobItem[];
  rescan: boolean;
  commits: PendingCommit[];
  cancelCommitTimer: (() => void) | null;
  stop: { kind: StopKind; reason: AppErrorData | null } | null;
  leaseLost: boolean;
  cancelHeartbeat: (() => void) | null;
  woken: boolean;
  wakeLoop: (() => void) | null;
  offline: { backoffMs: number; probeDue: boolean; cancelTimer: (() => void) | null } | null;
  probeItemId: string | null;
  items: Map<string, ItemState>;
  /** When recent items finished, all of them and those that made a model call. */
  finishedAt: number[];
  modelFinishedAt: number[];
  /** Items finished in this run with a model call and without one, for the ETA's mix. */
  modelFinished: number;
  cheapFinished: number;
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

/** The store said another process took the job's lease over: this run must stop writing. */
function isLeaseLost(error: unknown): boolean {
  return error instanceof AppError && error.code === 'conflict' && error.field === 'lease';
}

/** Time per item from completion times: the mean gap over the window. */
function meanGap(times: readonly number[], now: number): number | null {
  const [first] = times;
  if (first === undefined || times.length < 2) return null;
  return Math.max(1, now - first) / (times.length - 1);
}

export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const { store, processItem, limiter, logger } = options;
  const clock = options.clock ?? systemClock;
  const now = options.now ?? (() => clock.now());
  const defaultConcurrency = options.concurrency ?? 8;
  const localConcurrency = options.localConcurrency ?? 32;
  const attemptsPerProvider = Math.max(1, options.attemptsPerProvider ?? 3);
  const probe = options.offlineProbe ?? { initialMs: 2000, maxMs: 60_000 };
  const progressIntervalMs = options.progressIntervalMs ?? 250;
  const commitBatch = options.commitBatch ?? DEFAULT_COMMIT_BATCH;
  const identity = createLeaseIdentity(options.lease);
  const runs = new Map<string, Run>();

  function getJob(jobId: string): Job {
    const job = store.jobs.get(jobId);
    if (!job) throw new AppError('not_found', `There is no job ${jobId}: it may have been deleted. Refresh the job list.`);
    return job;
  }

  /**
   * Remaining items times the time per item. Items the rules settle finish at once, so in a mixed
   * reply batch only the share that needs the model is timed, at the model items' pace.
   */
  function estimateEta(run: Run, remaining: number): number | null {
    const t = now();
    const modelGap = meanGap(run.modelFinishedAt, t);
    if (modelGap !== null) {
      const modelShare = run.modelFinished / Math.max(1, run.modelFinished + run.cheapFinished);
      return Math.round(remaining * modelShare * modelGap);
    }
    const gap = meanGap(run.finishedAt, t);
    return gap === null ? null : Math.round(remaining * gap);
  }

  function computeProgress(jobId: string, run?: Run): JobProgress {
    const job = getJob(jobId);
    const counts = store.jobs.progress(jobId);
    const remaining = counts.pending + counts.running + counts.waiting;
    const etaMs = job.status === 'running' && run && !run.offline && remaining > 0 ? estimateEta(run, remaining) : null;
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

  function loseLease(run: Run): void {
    if (run.leaseLost) return;
    run.leaseLost = true;
    logger.warn('another process took the job over: this run stops without writing', { jobId: run.jobId });
    requestStop(run, 'closed', null);
  }

  function requestStop(run: Run, kind: StopKind, reason: AppErrorData | null): void {
    if (run.stop && !(kind === 'cancelled' && run.stop.kind === 'paused')) return;
    run.stop = { kind, reason };
    if (kind !== 'closed') {
      try {
        run.writer.setStatus(kind, reason);
      } catch (error) {
        if (isLeaseLost(error)) loseLease(run);
        else logger.error('could not record the job status', { jobId: run.jobId, status: kind, error });
      }
    }
    run.offline?.cancelTimer?.();
    for (const controller of run.inFlight.values()) controller.abort(new AppError('aborted', 'The job was stopped.'));
    emitProgress(run, true);
    wake(run);
  }

  /** Stops the run on an error of the store itself (disk full, damaged file): every item would hit it. */
  function failRun(run: Run, error: unknown): void {
    if (isLeaseLost(error)) {
      loseLease(run);
      return;
    }
    logger.error('job stopped by a storage error', { jobId: run.jobId, error });
    requestStop(run, 'failed', toAppErrorData(error));
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
    const moved = run.writer.requeueWaiting();
    run.rescan = true;
    logger.info('job is back online', { jobId: run.jobId, requeued: moved });
  }

  function recordFinished(run: Run, model: boolean): void {
    const t = now();
    run.finishedAt.push(t);
    if (run.finishedAt.length > ETA_WINDOW) run.finishedAt.shift();
    if (model) {
      run.modelFinished++;
      run.modelFinishedAt.push(t);
      if (run.modelFinishedAt.length > ETA_WINDOW) run.modelFinishedAt.shift();
    } else {
      run.cheapFinished++;
    }
  }

  function toErrorData(error: unknown, run: Run, item: JobItem): AppErrorData {
    if (!(error instanceof AppError)) logger.error('job item failed with an unexpected error', { jobId: run.jobId, itemId: item.id, error });
    return toAppErrorData(error);
  }

  /**
   * Commits results with their items' "done". A result the store refuses (e.g. its lead was
   * deleted meanwhile) fails that item alone; an error of the store itself stops the run.
   */
  function commit(run: Run, entries: PendingCommit[]): void {
    if (entries.length === 0) return;
    const failures = run.writer.complete(entries.map(({ item, processed }) => ({ itemId: item.id, save: () => processed.save() })));
    for (const { item } of entries) run.taken.delete(item.id);
    for (const failure of failures) {
      if (isLeaseLost(failure.error) || (failure.error instanceof AppError && failure.error.code === 'storage')) throw failure.error;
      // The writer reports only the items it was given.
      const item = entries.find((e) => e.item.id === failure.itemId)?.item;
      if (!item) continue;
      if (failure.error instanceof AppError && failure.error.code === 'conflict') {
        logger.warn('job item was already done: its second result was not saved', { jobId: run.jobId, itemId: item.id });
        continue;
      }
      run.writer.failItem(item.id, toErrorData(failure.error, run, item));
    }
  }

  function flushCommits(run: Run): void {
    run.cancelCommitTimer?.();
    run.cancelCommitTimer = null;
    if (run.commits.length === 0 || run.leaseLost) return;
    const batch = run.commits.splice(0);
    try {
      commit(run, batch);
    } catch (error) {
      failRun(run, error);
    }
    emitProgress(run);
  }

  function queueCommit(run: Run, entry: PendingCommit): void {
    run.commits.push(entry);
    if (run.commits.length >= commitBatch.size) flushCommits(run);
    else
      run.cancelCommitTimer ??= clock.setTimer(() => {
        run.cancelCommitTimer = null;
        flushCommits(run);
        wake(run);
      }, commitBatch.maxDelayMs);
  }

  /** One item, from its first call to done, failed, waiting, or back to the queue when the job stops. */
  async function executeItem(run: Run, item: JobItem, signal: AbortSignal): Promise<void> {
    const state = run.items.get(item.id) ?? { providerIndex: 0, attemptsOnProvider: 0, calls: 0 };
    run.items.set(item.id, state);
    for (;;) {
      const provider = run.providers[state.providerIndex] ?? null;
      const call: { permit: RateLimitPermit | null } = { permit: null };
      try {
        state.calls++;
        const processed = await processItem(item, {
          job: run.job,
          provider,
          signal,
          attempt: state.calls,
          onRateLimit: (info) => limiter.report(info),
          acquireCall: async () => {
            if (provider && !call.permit) call.permit = await limiter.acquire(provider, { signal });
          },
        });
        // A result in hand is kept even if the job was stopped meanwhile: redoing it would cost a call.
        if (call.permit) limiter.succeed(call.permit, processed.tokens);
        run.items.delete(item.id);
        if (call.permit) {
          // A model call's result is committed at once: redoing it would cost a call.
          commit(run, [{ item, processed }]);
          recordFinished(run, true);
          goOnline(run);
        } else {
          run.taken.add(item.id);
          queueCommit(run, { item, processed });
          recordFinished(run, false);
        }
        return;
      } catch (error) {
        // Stopped: the item stays pending for the next run.
        if (signal.aborted) return;
        if (isLeaseLost(error)) throw error;
        const data = toErrorData(error, run, item);
        if (data.code === 'storage') throw error;
        if (STOP_CODES.has(data.code)) {
          logger.warn('job paused by an error every item would hit', { jobId: run.jobId, code: data.code, provider: data.provider });
          requestStop(run, 'paused', data);
          return;
        }
        if (data.code === 'offline') {
          run.writer.failItem(item.id, data, { waiting: true, provider });
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
        run.writer.failItem(item.id, data, { provider });
        run.items.delete(item.id);
        recordFinished(run, call.permit !== null);
        return;
      }
    }
  }

  function launch(run: Run, item: JobItem): void {
    const controller = new AbortController();
    run.inFlight.set(item.id, controller);
    run.taken.add(item.id);
    const task = executeItem(run, item, controller.signal)
      .catch((error: unknown) => failRun(run, error))
      .finally(() => {
        run.inFlight.delete(item.id);
        // An item queued for a batch commit stays taken until the commit.
        if (!run.commits.some((c) => c.item.id === item.id)) run.taken.delete(item.id);
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

  /**
   * Takes up to `limit` pending items, in order, that this run has not taken yet. Nothing is
   * written: the lease keeps other processes off the job, and an item taken but not finished
   * when the process dies is simply still pending.
   */
  function claim(run: Run, limit: number): JobItem[] {
    if (run.rescan) {
      run.cursor = -1;
      run.queue = [];
      run.rescan = false;
    }
    const claimed: JobItem[] = [];
    while (claimed.length < limit) {
      if (run.queue.length === 0) {
        // Read ahead: one statement for many items. They stay pending in the store; only this run writes the job.
        run.queue = run.writer.pendingAfter(run.cursor, READ_AHEAD);
        const last = run.queue.at(-1);
        if (!last) break;
        run.cursor = last.seq;
      }
      const item = run.queue.shift();
      if (item && !run.taken.has(item.id)) claimed.push(item);
    }
    return claimed;
  }

  /** While offline, one item at a time tests whether calls succeed again. */
  function claimProbe(run: Run): JobItem[] {
    const offline = run.offline;
    if (!offline?.probeDue || run.inFlight.size > 0) return [];
    offline.probeDue = false;
    let claimed = claim(run, 1);
    if (claimed.length === 0) {
      const [waiting] = store.jobs.items(run.jobId, { status: 'waiting', offset: 0, limit: 1 });
      if (waiting) {
        run.writer.retryItem(waiting.id);
        run.rescan = true;
        claimed = claim(run, 1);
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
      if (free > 0) claimed = run.offline ? claimProbe(run) : claim(run, free);
      for (const item of claimed) launch(run, item);
      if (run.inFlight.size === 0 && claimed.length === 0 && !run.offline) {
        flushCommits(run);
        if (run.stop) return;
        const counts = store.jobs.progress(run.jobId);
        if (counts.waiting > 0) {
          // Items left waiting by an earlier run: probe at once.
          run.offline = { backoffMs: probe.initialMs, probeDue: true, cancelTimer: null };
          continue;
        }
        if (counts.running > 0) {
          run.writer.requeueRunning();
          run.rescan = true;
          continue;
        }
        if (counts.pending > 0) {
          // Put back behind the cursor (a retried item): read from the start again.
          run.rescan = true;
          continue;
        }
        run.writer.setStatus('completed', null);
        logger.info('job completed', { jobId: run.jobId, done: counts.done, failed: counts.failed });
        return;
      }
      await waitForWake(run);
    }
  }

  function heartbeat(run: Run): void {
    run.cancelHeartbeat = clock.setTimer(() => {
      run.cancelHeartbeat = null;
      if (run.leaseLost) return;
      try {
        if (!run.writer.renew()) return loseLease(run);
      } catch (error) {
        // A busy or full disk: try again at the next beat; a lease that went stale meanwhile is caught then.
        logger.warn('could not renew the job lease', { jobId: run.jobId, error });
      }
      heartbeat(run);
    }, identity.heartbeatMs);
  }

  function begin(job: Job, writer: LeasedJob): Run {
    let resolveDone!: (job: Job) => void;
    const run: Run = {
      jobId: job.id,
      job,
      writer,
      providers: job.provider ? [...new Set([job.provider, ...readFallbackOrder(job.params)])] : [null],
      concurrency: readConcurrency(job.params, job.provider ? defaultConcurrency : localConcurrency),
      inFlight: new Map(),
      tasks: new Set(),
      taken: new Set(),
      cursor: -1,
      queue: [],
      rescan: false,
      commits: [],
      cancelCommitTimer: null,
      stop: null,
      leaseLost: false,
      cancelHeartbeat: null,
      woken: false,
      wakeLoop: null,
      offline: null,
      probeItemId: null,
      items: new Map(),
      finishedAt: [],
      modelFinishedAt: [],
      modelFinished: 0,
      cheapFinished: 0,
      lastEmitAt: -Infinity,
      cancelEmitTimer: null,
      done: new Promise<Job>((resolve) => (resolveDone = resolve)),
    };
    runs.set(job.id, run);
    heartbeat(run);
    logger.info('job running', { jobId: job.id, kind: job.kind, providers: run.providers, concurrency: run.concurrency });
    void (async () => {
      try {
        await loop(run);
      } catch (error) {
        failRun(run, error);
      }
      await Promise.allSettled([...run.tasks]);
      run.offline?.cancelTimer?.();
      // Results already in hand are kept, whatever stopped the run.
      flushCommits(run);
      run.cancelHeartbeat?.();
      let final: Job;
      try {
        if (!run.leaseLost) run.writer.release();
        final = getJob(run.jobId);
      } catch (error) {
        logger.error('could not release the lease of a stopped job', { jobId: run.jobId, error });
        final = { ...run.job, status: run.stop?.kind === 'closed' ? run.job.status : 'failed' };
      }
      runs.delete(run.jobId);
      emitProgress(run, true);
      resolveDone(final);
    })();
    return run;
  }

  /** Takes the job's lease, or refuses naming the process that holds it. Changes nothing when refused. */
  function takeLease(jobId: string): LeasedJob {
    const attempt = store.jobs.acquireLease(jobId, identity, (current) => !isLeaseLive(current, identity, Date.now()));
    if (!attempt.acquired) throw heldElsewhereError(jobId, attempt.holder, identity, Date.now());
    if (attempt.replaced) {
      logger.warn('took over a job whose runner is gone', {
        jobId,
        previous: { pid: attempt.replaced.pid, program: attempt.replaced.program, host: attempt.replaced.host },
      });
    }
    return store.jobs.leased(jobId, identity.owner);
  }

  /** Runs `fn` with the job's lease held by this runner, then gives it back. */
  function withLease<T>(jobId: string, fn: (writer: LeasedJob) => T): T {
    const writer = takeLease(jobId);
    try {
      return fn(writer);
    } finally {
      writer.release();
    }
  }

  /** Starts a run of a job that has none; `allowed` are the statuses it may start from. */
  function beginRun(jobId: string, allowed: ReadonlySet<Job['status']>): Job {
    getJob(jobId);
    const writer = takeLease(jobId);
    let running: Job;
    try {
      const job = getJob(jobId);
      if (!allowed.has(job.status)) {
        throw conflict(
          job.status === 'queued'
            ? `Job ${jobId} has not started yet: start it instead.`
            : `Job ${jobId} is ${job.status} and cannot be ${allowed.has('queued') ? 'started' : 'resumed'}.`,
        );
      }
      // Items an older version left running go back to the queue; done items are never touched.
      writer.requeueRunning();
      running = writer.setStatus('running', null);
    } catch (error) {
      writer.release();
      throw error;
    }
    const run = begin(running, writer);
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
    getJob(jobId);
    return withLease(jobId, (writer) => {
      const job = getJob(jobId);
      if (job.status === 'completed' || job.status === 'cancelled') {
        throw conflict(`Job ${jobId} is already ${job.status}.`);
      }
      if (kind === 'paused' && job.status === 'paused') return job;
      writer.requeueRunning();
      return writer.setStatus(kind, null);
    });
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
      const run = runs.get(jobId);
      if (run) {
        const retried = run.writer.retryItem(itemId);
        // A stopping run leaves the item pending for the next resume.
        if (!run.stop) {
          run.items.delete(itemId);
          run.rescan = true;
          wake(run);
        }
        return retried;
      }
      const { retried, status } = withLease(jobId, (writer) => ({ retried: writer.retryItem(itemId), status: getJob(jobId).status }));
      if (status === 'completed' || status === 'failed') beginRun(jobId, new Set([status]));
      return retried;
    },

    progress: (jobId) => computeProgress(jobId, runs.get(jobId)),
    holder(jobId) {
      const lease = store.jobs.lease(jobId);
      return lease ? toJobHolder(lease, identity, Date.now()) : null;
    },
    isActive: (jobId) => runs.has(jobId),

    settled(jobId) {
      const run = runs.get(jobId);
      return run ? run.done : Promise.resolve(getJob(jobId));
    },

    async close() {
      const active = [...runs.values()];
      for (const run of active) requestStop(run, 'closed', null);
      await Promise.all(active.map((run) => run.done));
      retireLeaseIdentity(identity);
    },
  };
}
