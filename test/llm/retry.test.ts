import { describe, expect, it } from 'vitest';
import {
  computeRetryDelay,
  DEFAULT_RETRY_POLICY,
  type LLMError,
  parseGoDuration,
  parseRateLimitHeaders,
  parseRetryAfter,
  resolveRetryPolicy,
} from '../../electron/core/llm';
import { createLLMError } from '../../electron/core/llm/errors';
import { createCallSignals, runWithRetry } from '../../electron/core/llm/retry';

const fast = resolveRetryPolicy({ baseDelayMs: 1, maxDelayMs: 4 });

describe('retry policy', () => {
  it('merges layers, and false means a single attempt', () => {
    expect(resolveRetryPolicy()).toEqual(DEFAULT_RETRY_POLICY);
    expect(resolveRetryPolicy({ maxAttempts: 5 }, { baseDelayMs: 10 })).toMatchObject({ maxAttempts: 5, baseDelayMs: 10 });
    expect(resolveRetryPolicy({ maxAttempts: 5 }, false).maxAttempts).toBe(1);
  });

  it('backs off exponentially with jitter, capped, and prefers the vendor wait', () => {
    const policy = resolveRetryPolicy({ baseDelayMs: 100, maxDelayMs: 300, jitter: 0.5 });
    expect(computeRetryDelay(policy, 1, undefined, () => 0)).toBe(100);
    expect(computeRetryDelay(policy, 2, undefined, () => 0)).toBe(200);
    expect(computeRetryDelay(policy, 5, undefined, () => 0)).toBe(300);
    expect(computeRetryDelay(policy, 2, undefined, () => 1)).toBe(100);
    expect(computeRetryDelay(policy, 3, 1234, () => 0.5)).toBe(1234);
  });

  it('retries retryable errors up to maxAttempts and then throws the last one', async () => {
    let calls = 0;
    const error = createLLMError('overloaded', 'anthropic');
    await expect(
      runWithRetry({ provider: 'anthropic', policy: fast, signals: createCallSignals(5000), toError: (e) => e as LLMError }, async () => {
        calls++;
        throw error;
      }),
    ).rejects.toBe(error);
    expect(calls).toBe(3);
  });

  it('never retries auth, quota, invalid requests, filters or context errors', async () => {
    for (const code of ['auth', 'quota_exhausted', 'invalid_request', 'content_filtered', 'context_length', 'permission'] as const) {
      let calls = 0;
      await expect(
        runWithRetry({ provider: 'openai', policy: fast, signals: createCallSignals(5000), toError: (e) => e as LLMError }, async () => {
          calls++;
          throw createLLMError(code, 'openai');
        }),
      ).rejects.toMatchObject({ code, retryable: false });
      expect(calls).toBe(1);
    }
  });

  it('fails at once when the vendor asks to wait longer than the cap', async () => {
    let calls = 0;
    await expect(
      runWithRetry({ provider: 'groq', policy: fast, signals: createCallSignals(5000), toError: (e) => e as LLMError }, async () => {
        calls++;
        throw createLLMError('rate_limited', 'groq', { retryAfterMs: 600_000 });
      }),
    ).rejects.toMatchObject({ code: 'rate_limited', retryAfterMs: 600_000 });
    expect(calls).toBe(1);
  });

  it('turns a caller abort into aborted and the deadline into timeout', async () => {
    const controller = new AbortController();
    const pending = runWithRetry(
      { provider: 'openai', policy: fast, signals: createCallSignals(5000, controller.signal), toError: (e) => e as LLMError },
      () => new Promise(() => {}),
    );
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'aborted', retryable: false });
    await expect(
      runWithRetry({ provider: 'openai', policy: fast, signals: createCallSignals(30), toError: (e) => e as LLMError }, () => new Promise(() => {})),
    ).rejects.toMatchObject({ code: 'timeout' });
  });
});

describe('header parsing', () => {
  it('parses Go-style durations', () => {
    expect(parseGoDuration('2m59.56s')).toBe(179_560);
    expect(parseGoDuration('7.66s')).toBe(7660);
    expect(parseGoDuration('12ms')).toBe(12);
    expect(parseGoDuration('1h0m0s')).toBe(3_600_000);
    expect(parseGoDuration('6m0s')).toBe(360_000);
    expect(parseGoDuration('34.4s')).toBe(34_400);
    expect(parseGoDuration('soon')).toBeUndefined();
  });

  it('reads retry-after-ms first, then retry-after as seconds or an HTTP date', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '10', 'retry-after': '5' }))).toBe(10);
    expect(parseRetryAfter(new Headers({ 'retry-after': '0.1' }))).toBe(100);
    const now = Date.parse('2026-11-29T12:00:00Z');
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Sun, 29 Nov 2026 12:00:02 GMT' }), now)).toBe(2000);
    expect(parseRetryAfter(new Headers({}))).toBeUndefined();
    expect(parseRetryAfter(new Headers({ 'retry-after': 'garbage' }))).toBeUndefined();
  });

  it('reads x-ratelimit-* and anthropic-ratelimit-* headers', () => {
    const groq = parseRateLimitHeaders(
      'groq',
      new Headers({
        'x-ratelimit-limit-requests': '14400',
        'x-ratelimit-remaining-requests': '14399',
        'x-ratelimit-reset-requests': '2m59.56s',
        'x-ratelimit-limit-tokens': '18000',
        'x-ratelimit-remaining-tokens': '17000',
        'x-ratelimit-reset-tokens': '7.66s',
        'retry-after': '2',
      }),
    );
    expect(groq).toEqual({
      provider: 'groq',
      limitRequests: 14400,
      remainingRequests: 14399,
      resetRequestsMs: 179_560,
      limitTokens: 18000,
      remainingTokens: 17000,
      resetTokensMs: 7660,
      retryAfterMs: 2000,
    });
    const now = Date.parse('2026-11-29T12:00:00Z');
    const anthropic = parseRateLimitHeaders(
      'anthropic',
      new Headers({
        'anthropic-ratelimit-requests-limit': '50',
        'anthropic-ratelimit-requests-remaining': '49',
        'anthropic-ratelimit-requests-reset': '2026-11-29T12:00:30Z',
      }),
      now,
    );
    expect(anthropic).toEqual({ provider: 'anthropic', limitRequests: 50, remainingRequests: 49, resetRequestsMs: 30_000 });
    expect(parseRateLimitHeaders('openai', new Headers({ 'content-type': 'application/json' }))).toBeUndefined();
  });
});
