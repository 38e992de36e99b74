import { byProvider, type LLMProviderName } from '../../../shared/domain/llm';
import { AppError } from '../errors';
import { PROVIDERS, type ProviderRateLimits, type RateLimitInfo } from '../llm';
import { systemClock, type Clock } from './clock';

export type { ProviderRateLimits } from '../llm';

/**
 * Where each provider starts: its registry entry's `rateLimits` (see electron/core/llm/registry.ts).
 * They hold only until the first answer: the limiter then adopts the limits the vendor declares for
 * the account, up or down, and slows down on 429s.
 */
export const DEFAULT_PROVIDER_LIMITS: Readonly<Record<LLMProviderName, ProviderRateLimits>> = byProvider((name) => PROVIDERS[name].rateLimits);

/** A granted slot for one request. Pass it back to `succeed` so the token budget learns the real size. */
export interface RateLimitPermit {
  readonly provider: LLMProviderName;
  /** Tokens debited up front, an estimate. */
  readonly tokens: number;
}

/** Why a provider pushed back, for `penalize`. */
export interface RateLimitPenalty {
  code: 'rate_limited' | 'overloaded' | 'server';
  retryAfterMs?: number;
}

/** What the limiter currently allows for a provider, for logs and tests. */
export interface RateLimiterSnapshot {
  configured: ProviderRateLimits;
  /** The pace after slow-downs, requests per minute. */
  effectiveRequestsPerMinute: number;
  /** 0..1: 1 is full speed. */
  speed: number;
  /** How long nothing may start, from now. */
  blockedForMs: number;
  queued: number;
}

export interface AcquireOptions {
  /** The request's expected size; defaults to the running average of this provider's calls. */
  tokens?: number;
  signal?: AbortSignal;
}

/**
 * Paces requests per provider within requests-per-minute and tokens-per-minute budgets. It slows
 * down on its own from the vendor's rate-limit headers and from 429/529/5xx, and speeds back up
 * as calls succeed. Waiters are served first come, first served.
 */
export interface RateLimiter {
  /** Resolves when a request may start. Rejects with AppError('aborted') when the signal aborts first. */
  acquire(provider: LLMProviderName, options?: AcquireOptions): Promise<RateLimitPermit>;
  /**
   * Feeds the vendor's `x-ratelimit-*`, `anthropic-ratelimit-*` and `retry-after` readings. The
   * declared limits replace the configured ones (a higher tier speeds up, a lower one slows down);
   * remaining counts and resets pace within them.
   */
  report(info: RateLimitInfo): void;
  /** A call failed because the provider pushed back: slow down, and hold off for `retryAfterMs` if given. */
  penalize(provider: LLMProviderName, penalty: RateLimitPenalty): void;
  /** A call succeeded: correct the token debit and speed back up. */
  succeed(permit: RateLimitPermit, usedTokens?: number): void;
  snapshot(provider: LLMProviderName): RateLimiterSnapshot;
}

export interface RateLimiterOptions {
  /**
   * Per-provider overrides of `DEFAULT_PROVIDER_LIMITS`, for tests and the bench. The app has no
   * such setting: it starts from the defaults and follows what each vendor declares.
   */
  limits?: Partial<Record<LLMProviderName, Partial<ProviderRateLimits>>>;
  clock?: Clock;
}

interface Waiter {
  tokens: number;
  resolve(permit: RateLimitPermit): void;
  reject(error: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface ProviderState {
  limits: ProviderRateLimits;
  /** Multiplies the request rate; halves on push-back, recovers on success. */
  speed: number;
  /** Theoretical arrival time of the next request (GCRA): paces requests evenly. */
  nextAt: number;
  tokenLevel: number;
  tokenUpdatedAt: number;
  blockedUntil: number;
  /** A slower pace the vendor's remaining/reset headers asked for, and until when. */
  headerIntervalMs: number;
  headerIntervalUntil: number;
  lastStartAt: number;
  averageTokens: number;
  pushBacks: number;
  waiters: Waiter[];
  cancelTimer: (() => void) | null;
  timerAt: number;
}

const DEFAULT_REQUEST_TOKENS = 1500;
const MIN_SPEED = 1 / 32;
const RECOVERY_PER_SUCCESS = 0.05;
/** Holds after a push-back that named no wait: rate limits wait longer than overload blips. */
const RATE_LIMITED_HOLD_MS = 1000;
const OVERLOADED_HOLD_MS = 250;
const MAX_HOLD_MS = 30_000;
/** The vendor's remaining/reset pace is followed when it is at least this much slower than the limit's. */
const HEADER_SLOWER_BY = 1.1;

function abortedError(): AppError {
  return new AppError('aborted', 'The request was cancelled.');
}

/** Creates a limiter; one per process, shared by every job, so two jobs on one provider share its budget. */
export function createRateLimiter(options: RateLimiterOptions = {}): RateLimiter {
  const clock = options.clock ?? systemClock;
  const states = new Map<LLMProviderName, ProviderState>();

  function resolveLimits(provider: LLMProviderName): ProviderRateLimits {
    const limits = { ...DEFAULT_PROVIDER_LIMITS[provider], ...options.limits?.[provider] };
    if (!(limits.requestsPerMinute > 0)) {
      throw new AppError('validation', `The requests-per-minute limit for ${provider} must be above 0.`, { field: `limits.${provider}.requestsPerMinute` });
    }
    if (limits.tokensPerMinute !== null && !(limits.tokensPerMinute > 0)) {
      throw new AppError('validation', `The tokens-per-minute limit for ${provider} must be above 0, or null for none.`, {
        field: `limits.${provider}.tokensPerMinute`,
      });
    }
    return limits;
  }

  // Every override is checked now, not at the provider's first request.
  for (const provider of Object.keys(options.limits ?? {}) as LLMProviderName[]) resolveLimits(provider);

  function stateOf(provider: LLMProviderName): ProviderState {
    let state = states.get(provider);
    if (!state) {
      const limits = resolveLimits(provider);
      state = {
        limits,
        speed: 1,
        nextAt: 0,
        tokenLevel: tokenCapacity(limits),
        tokenUpdatedAt: clock.now(),
        blockedUntil: 0,
        headerIntervalMs: 0,
        headerIntervalUntil: 0,
        lastStartAt: -Infinity,
        averageTokens: DEFAULT_REQUEST_TOKENS,
        pushBacks: 0,
        waiters: [],
        cancelTimer: null,
        timerAt: Infinity,
      };
      states.set(provider, state);
    }
    return state;
  }

  function burstOf(limits: ProviderRateLimits): number {
    return Math.max(1, Math.floor(limits.burst ?? limits.requestsPerMinute / 60));
  }

  /** A quarter-minute of tokens may go out at once; more would front-load the vendor's window. */
  function tokenCapacity(limits: ProviderRateLimits): number {
    return limits.tokensPerMinute === null ? Infinity : limits.tokensPerMinute / 4;
  }

  function refillTokens(state: ProviderState, now: number): void {
    const { tokensPerMinute } = state.limits;
    if (tokensPerMinute === null) return;
    const elapsed = Math.max(0, now - state.tokenUpdatedAt);
    state.tokenLevel = Math.min(tokenCapacity(state.limits), state.tokenLevel + (elapsed * tokensPerMinute) / 60_000);
    state.tokenUpdatedAt = now;
  }

  function intervalOf(state: ProviderState, now: number): number {
    const paced = 60_000 / (state.limits.requestsPerMinute * state.speed);
    return now < state.headerIntervalUntil ? Math.max(paced, state.headerIntervalMs) : paced;
  }

  function headerPacedStart(state: ProviderState, now: number): number {
    return now < state.headerIntervalUntil ? state.lastStartAt + state.headerIntervalMs : now;
  }

  /** The earliest time a request of `tokens` may start. */
  function earliestStart(state: ProviderState, tokens: number, now: number): number {
    const interval = intervalOf(state, now);
    // Bursts only at full speed: after a push-back requests go out one by one.
    const tolerance = state.speed >= 1 && now >= state.headerIntervalUntil ? (burstOf(state.limits) - 1) * interval : 0;
    let at = Math.max(now, state.blockedUntil, state.nextAt - tolerance, headerPacedStart(state, now));
    const { tokensPerMinute } = state.limits;
    if (tokensPerMinute !== null) {
      refillTokens(state, now);
      const need = Math.min(tokens, tokenCapacity(state.limits));
      if (state.tokenLevel < need) at = Math.max(at, now + ((need - state.tokenLevel) * 60_000) / tokensPerMinute);
    }
    return at;
  }

  function grant(state: ProviderState, tokens: number, now: number): void {
    state.nextAt = Math.max(state.nextAt, now) + intervalOf(state, now);
    state.lastStartAt = now;
    if (state.limits.tokensPerMinute !== null) state.tokenLevel -= tokens;
  }

  function drain(provider: LLMProviderName): void {
    const state = stateOf(provider);
    for (let head = state.waiters[0]; head !== undefined; head = state.waiters[0]) {
      const now = clock.now();
      const at = earliestStart(state, head.tokens, now);
      if (at > now) {
        schedule(provider, state, at - now);
        return;
      }
      state.waiters.shift();
      if (head.onAbort) head.signal?.removeEventListener('abort', head.onAbort);
      grant(state, head.tokens, now);
      head.resolve({ provider, tokens: head.tokens });
    }
  }

  function schedule(provider: LLMProviderName, state: ProviderState, delayMs: number): void {
    const at = clock.now() + delayMs;
    if (state.cancelTimer && state.timerAt <= at) return;
    state.cancelTimer?.();
    state.timerAt = at;
    state.cancelTimer = clock.setTimer(() => {
      state.cancelTimer = null;
      state.timerAt = Infinity;
      drain(provider);
    }, delayMs);
  }

  /** Re-plans the timer after the budget changed (a slow-down may push it later, a success or a declared limit earlier). */
  function replan(provider: LLMProviderName): void {
    const state = stateOf(provider);
    state.cancelTimer?.();
    state.cancelTimer = null;
    state.timerAt = Infinity;
    drain(provider);
  }

  /**
   * Replaces a provider's limits. The requests already let out (the pacing's lead over now) were
   * counted at the old pace; they are re-counted at the new one, so a lower limit waits for them
   * and a higher one lets out at once what its own burst allows.
   */
  function setLimits(state: ProviderState, limits: ProviderRateLimits): void {
    const now = clock.now();
    const before = intervalOf(state, now);
    state.limits = limits;
    state.tokenLevel = Math.min(state.tokenLevel, tokenCapacity(state.limits));
    if (state.nextAt > now) state.nextAt = now + ((state.nextAt - now) * intervalOf(state, now)) / before;
  }

  /** The account's real limits, as the vendor declares them on each answer. */
  function adoptDeclaredLimits(state: ProviderState, info: RateLimitInfo): void {
    const requests = info.limitRequests;
    const tokens = info.limitTokens;
    const next = { ...state.limits };
    if (requests !== undefined && requests > 0) next.requestsPerMinute = requests;
    if (tokens !== undefined && tokens > 0) next.tokensPerMinute = tokens;
    if (next.requestsPerMinute === state.limits.requestsPerMinute && next.tokensPerMinute === state.limits.tokensPerMinute) return;
    // A burst the caller set for the old limit no longer fits the new one: it follows the new rate.
    if (requests !== undefined) delete next.burst;
    setLimits(state, next);
  }

  function hold(state: ProviderState, ms: number): void {
    const until = clock.now() + ms;
    state.blockedUntil = Math.max(state.blockedUntil, until);
    // After the hold, start again at the slower pace rather than with a burst.
    state.nextAt = Math.max(state.nextAt, state.blockedUntil);
  }

  return {
    acquire(provider, acquireOptions = {}) {
      const state = stateOf(provider);
      const tokens = Math.max(0, Math.round(acquireOptions.tokens ?? state.averageTokens));
      const { signal } = acquireOptions;
      if (signal?.aborted) return Promise.reject(abortedError());
      return new Promise<RateLimitPermit>((resolve, reject) => {
        const waiter: Waiter = { tokens, resolve, reject, signal };
        if (signal) {
          waiter.onAbort = () => {
            const index = state.waiters.indexOf(waiter);
            if (index >= 0) state.waiters.splice(index, 1);
            reject(abortedError());
            replan(provider);
          };
          signal.addEventListener('abort', waiter.onAbort, { once: true });
        }
        state.waiters.push(waiter);
        drain(provider);
      });
    },

    report(info) {
      const state = stateOf(info.provider);
      const now = clock.now();
      adoptDeclaredLimits(state, info);
      if (info.retryAfterMs !== undefined) {
        state.speed = Math.max(MIN_SPEED, state.speed / 2);
        hold(state, info.retryAfterMs);
      }
      if (info.remainingRequests !== undefined) {
        if (info.remainingRequests <= 0) {
          hold(state, info.resetRequestsMs ?? RATE_LIMITED_HOLD_MS);
        } else if (info.resetRequestsMs !== undefined && info.resetRequestsMs > 0) {
          // Spread what is left of the vendor's window over the time until it resets, when that is
          // slower than the limit's own pace (someone else spends the same account). At about the
          // limit's pace the limit alone paces, with its burst, so late timers can catch up.
          const spread = info.resetRequestsMs / info.remainingRequests;
          const paced = 60_000 / state.limits.requestsPerMinute;
          if (spread > paced * HEADER_SLOWER_BY) {
            state.headerIntervalMs = spread;
            state.headerIntervalUntil = now + info.resetRequestsMs;
          } else {
            state.headerIntervalUntil = 0;
          }
        }
      }
      if (info.remainingTokens !== undefined) {
        if (state.limits.tokensPerMinute !== null) {
          // The vendor's count is the truth about its bucket, up as well as down.
          refillTokens(state, now);
          state.tokenLevel = Math.min(tokenCapacity(state.limits), info.remainingTokens);
        }
        if (info.remainingTokens < state.averageTokens && info.resetTokensMs !== undefined) hold(state, info.resetTokensMs);
      }
      replan(info.provider);
    },

    penalize(provider, penalty) {
      const state = stateOf(provider);
      state.speed = Math.max(MIN_SPEED, state.speed / 2);
      state.pushBacks++;
      const base = penalty.code === 'rate_limited' ? RATE_LIMITED_HOLD_MS : OVERLOADED_HOLD_MS;
      const backoff = Math.min(MAX_HOLD_MS, base * 2 ** Math.min(10, state.pushBacks - 1));
      hold(state, penalty.retryAfterMs ?? backoff);
      replan(provider);
    },

    succeed(permit, usedTokens) {
      const state = stateOf(permit.provider);
      state.pushBacks = 0;
      state.speed = Math.min(1, state.speed + RECOVERY_PER_SUCCESS);
      if (usedTokens !== undefined && usedTokens >= 0) {
        state.averageTokens = state.averageTokens * 0.8 + usedTokens * 0.2;
        if (state.limits.tokensPerMinute !== null) state.tokenLevel -= usedTokens - permit.tokens;
      }
      replan(permit.provider);
    },

    snapshot(provider) {
      const state = stateOf(provider);
      const now = clock.now();
      return {
        configured: { ...state.limits },
        effectiveRequestsPerMinute: 60_000 / intervalOf(state, now),
        speed: state.speed,
        blockedForMs: Math.max(0, state.blockedUntil - now),
        queued: state.waiters.length,
      };
    },
  };
}
