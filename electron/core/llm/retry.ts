import type { LLMProviderName } from '../../../shared/domain/llm';
import { DEFAULT_TIMEOUT_SECONDS } from '../../../shared/domain/org';
import { createLLMError, type LLMError } from './errors';
import type { RetryPolicy } from './types';

/** The defaults: 3 attempts, 0.5 s → 1 s backoff with 25 % jitter, a vendor wait honoured up to 30 s. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 8000,
  maxRetryAfterMs: 30_000,
  jitter: 0.25,
};

/** Default overall deadline of one call, every attempt included. */
export const DEFAULT_DEADLINE_MS = DEFAULT_TIMEOUT_SECONDS * 1000;

/** Merges a partial policy onto the defaults; `false` means a single attempt. */
export function resolveRetryPolicy(...layers: (Partial<RetryPolicy> | false | undefined)[]): RetryPolicy {
  let policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY };
  for (const layer of layers) {
    if (layer === false) policy = { ...policy, maxAttempts: 1 };
    else if (layer) policy = { ...policy, ...layer };
  }
  policy.maxAttempts = Math.max(1, Math.floor(policy.maxAttempts));
  policy.jitter = Math.min(1, Math.max(0, policy.jitter));
  return policy;
}

/**
 * How long to wait before attempt `attempt + 1` (attempt counts from 1). A vendor's wait wins
 * over backoff; the caller has already checked it against `maxRetryAfterMs`.
 */
export function computeRetryDelay(policy: RetryPolicy, attempt: number, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  if (retryAfterMs !== undefined) return Math.max(0, retryAfterMs);
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exponential * (1 - policy.jitter * random()));
}

/** The signals of one call: the caller's, and one combined signal that also fires at the deadline. */
export interface CallSignals {
  /** Aborted by the deadline or the caller; goes to the SDK. */
  readonly signal: AbortSignal;
  readonly caller?: AbortSignal;
  /** True once the deadline fired. */
  readonly timedOut: boolean;
  readonly deadlineMs: number;
  readonly startedAt: number;
  /**
   * Settles with `promise`, or rejects with the abort reason as soon as the call is aborted or
   * passes its deadline. SDKs pass the signal to fetch, but a body that stalls after the
   * headers is only bounded by this race.
   */
  race<T>(promise: Promise<T>): Promise<T>;
  /** Clears the deadline timer and the caller listener; call when the call is over. */
  dispose(): void;
}

const ignore = () => {};

/**
 * One controller per call, aborted by the deadline timer or the caller's signal, and one timer
 * cleared when the call ends: cheaper than `AbortSignal.any` + `AbortSignal.timeout`. Pending
 * races are rejected directly when the call aborts, so a race costs no listener on the signal.
 */
class Signals implements CallSignals {
  readonly signal: AbortSignal;
  readonly startedAt = performance.now();
  timedOut = false;
  private readonly controller = new AbortController();
  private readonly timer: ReturnType<typeof setTimeout>;
  private readonly onCallerAbort: (() => void) | undefined;
  private readonly pending = new Set<(reason: unknown) => void>();

  constructor(
    readonly deadlineMs: number,
    readonly caller: AbortSignal | undefined,
  ) {
    this.signal = this.controller.signal;
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.abort(new DOMException('The call passed its deadline.', 'TimeoutError'));
    }, deadlineMs);
    if (caller?.aborted) this.abort(caller.reason);
    else if (caller) {
      this.onCallerAbort = () => this.abort(caller.reason);
      caller.addEventListener('abort', this.onCallerAbort, { once: true });
    }
  }

  private abort(reason: unknown): void {
    this.controller.abort(reason);
    for (const reject of this.pending) reject(this.signal.reason);
    this.pending.clear();
  }

  race<T>(promise: Promise<T>): Promise<T> {
    if (this.signal.aborted) {
      promise.catch(ignore);
      return Promise.reject(this.signal.reason);
    }
    return new Promise<T>((resolve, reject) => {
      const pending = this.pending;
      pending.add(reject);
      promise.then(
        (value) => {
          pending.delete(reject);
          resolve(value);
        },
        (error: unknown) => {
          pending.delete(reject);
          reject(error);
        },
      );
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
    if (this.onCallerAbort) this.caller?.removeEventListener('abort', this.onCallerAbort);
  }
}

/** The signals of a call with `deadlineMs` to run, cancelled early by `caller`. */
export function createCallSignals(deadlineMs: number, caller?: AbortSignal): CallSignals {
  return new Signals(deadlineMs, caller);
}

/** The error for a call that ended because a signal fired: the caller's → aborted, else timeout. */
export function abortErrorFor(signals: CallSignals, provider: LLMProviderName, model?: string): LLMError | undefined {
  if (signals.caller?.aborted) return createLLMError('aborted', provider, { model });
  if (signals.timedOut) return createLLMError('timeout', provider, { model, deadlineMs: signals.deadlineMs });
  return undefined;
}

/** Waits `ms`, or rejects when the call is aborted or passes its deadline. */
export function sleep(ms: number, signals: CallSignals): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Cleared when the deadline or an abort wins, so no backoff timer outlives its call
  // (it would keep a CLI process alive for the rest of the wait).
  return signals.race(new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))).finally(() => clearTimeout(timer));
}

export interface RetryContext {
  provider: LLMProviderName;
  model?: string;
  policy: RetryPolicy;
  signals: CallSignals;
  /** Maps anything thrown by one attempt to our error. */
  toError: (error: unknown) => LLMError;
  /** Called before each retry with the error that caused it. */
  onRetry?: (error: LLMError, attempt: number, delayMs: number) => void;
  random?: () => number;
}

/**
 * The one retry layer of the core. Retries only retryable codes, honours the vendor's wait up to
 * `maxRetryAfterMs` (beyond that it fails at once with `rate_limited`), never sleeps past the
 * deadline, and turns a fired signal into `aborted` or `timeout`.
 */
export async function runWithRetry<T>(ctx: RetryContext, attempt: (signal: AbortSignal, attemptNo: number) => Promise<T>): Promise<T> {
  const { signals, policy } = ctx;
  for (let n = 1; ; n++) {
    const aborted = abortErrorFor(signals, ctx.provider, ctx.model);
    if (aborted) throw aborted;
    let error: LLMError;
    try {
      return await signals.race(attempt(signals.signal, n));
    } catch (thrown) {
      error = abortErrorFor(signals, ctx.provider, ctx.model) ?? ctx.toError(thrown);
    }
    if (!error.retryable || n >= policy.maxAttempts) throw error;
    if (error.retryAfterMs !== undefined && error.retryAfterMs > policy.maxRetryAfterMs) throw error;
    const delay = computeRetryDelay(policy, n, error.retryAfterMs, ctx.random);
    const remaining = signals.deadlineMs - (performance.now() - signals.startedAt);
    if (delay >= remaining) throw error;
    ctx.onRetry?.(error, n, delay);
    try {
      await sleep(delay, signals);
    } catch {
      throw abortErrorFor(signals, ctx.provider, ctx.model) ?? error;
    }
  }
}
