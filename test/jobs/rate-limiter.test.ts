import { describe, expect, it } from 'vitest';
import { createRateLimiter, DEFAULT_PROVIDER_LIMITS, type RateLimitPermit } from '../../electron/core/jobs';
import type { AppError } from '../../electron/core/errors';
import { createManualClock } from './manual-clock';
import { expectDefined } from '../helpers/expect-defined';

/** Starts `count` acquisitions and records, relative to the start, when each was granted. */
function acquireMany(limiter: ReturnType<typeof createRateLimiter>, clock: ReturnType<typeof createManualClock>, count: number, tokens?: number) {
  const start = clock.now();
  const granted: number[] = [];
  const permits: RateLimitPermit[] = [];
  for (let i = 0; i < count; i++) {
    void limiter.acquire('openai', { tokens }).then((permit) => {
      granted.push(clock.now() - start);
      permits.push(permit);
    });
  }
  return { granted, permits };
}

describe('rate limiter', () => {
  it('has a default budget for every provider', () => {
    for (const limits of Object.values(DEFAULT_PROVIDER_LIMITS)) expect(limits.requestsPerMinute).toBeGreaterThan(0);
  });

  it('spaces requests evenly at the configured requests per minute', async () => {
    const clock = createManualClock();
    const limiter = createRateLimiter({ clock, limits: { openai: { requestsPerMinute: 600, tokensPerMinute: null, burst: 1 } } });
    const { granted } = acquireMany(limiter, clock, 5);
    await clock.advance(1000);
    expect(granted).toEqual([0, 100, 200, 300, 400]);
  });

  it('lets a second of requests out at once after a quiet spell, then paces', async () => {
    const clock = createManualClock();
    const limiter = createRateLimiter({ clock, limits: { openai: { requestsPerMinute: 600, tokensPerMinute: null } } });
    const { granted } = acquireMany(limiter, clock, 13);
    await clock.advance(1000);
    expect(granted).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 200, 300]);
  });

  it('keeps to the tokens-per-minute budget and learns the real size of calls', async () => {
    const clock = createManualClock();
    // 6,000 tokens a minute = 0.1 per ms; a quarter-minute (1,500) may go at once.
    const limiter = createRateLimiter({ clock, limits: { openai: { requestsPerMinute: 6000, tokensPerMinute: 6000 } } });
    const { granted, permits } = acquireMany(limiter, clock, 2, 1000);
    await clock.advance(0);
    expect(granted).toEqual([0]);
    // The first call really used 200 tokens: 800 come back, so the second fits at once.
    limiter.succeed(expectDefined(permits[0]), 200);
    await clock.advance(0);
    expect(granted).toEqual([0, 0]);
    const later = acquireMany(limiter, clock, 1, 1000);
    // Level is 1500 - 200 - 1000 = 300; 700 more tokens take 7,000 ms.
    await clock.advance(6999);
    expect(later.granted).toEqual([]);
    await clock.advance(1);
    expect(later.granted).toEqual([7000]);
  });

  it('holds every request for a retry-after, halves its pace, and speeds back up as calls succeed', async () => {
    const clock = createManualClock();
    const limiter = createRateLimiter({ clock, limits: { openai: { requestsPerMinute: 600, tokensPerMinute: null, burst: 1 } } });
    const first = await limiter.acquire('openai');
    limiter.report({ provider: 'openai', retryAfterMs: 2000 });
    expect(limiter.snapshot('openai')).toMatchObject({ speed: 0.5, effectiveRequestsPerMinute: 300, blockedForMs: 2000 });
    const { granted, permits } = acquireMany(limiter, clock, 3);
    await clock.advance(1999);
    expect(granted).toEqual([]);
    await clock.advance(1000);
    // After the hold: one by one at 300 a minute (200 ms apart).
    expect(granted).toEqual([2000, 2200, 2400]);
    for (let i = 0; i < 10; i++) limiter.succeed(i === 0 ? first : expectDefined(permits[0]));
    expect(limiter.snapshot('openai').speed).toBe(1);
  });

  it('backs off longer on each push-back without a retry-after, and resets after a success', async () => {
    const clock = createManualClock();
    const limiter = createRateLimiter({ clock, limits: { openai: { requestsPerMinute: 60_000, tokensPerMinute: null } } });
    limiter.penalize('openai', { code: 'rate_limited' });
    expect(limiter.snapshot('openai').blockedForMs).toBe(1000);
    limiter.penalize('openai', { code: 'rate_limited' });
    expect(limiter.snapshot('openai').blockedForMs).toBe(2000);
    limiter.penalize('openai', { code: 'overloaded', retryAfterMs: 5000 });
    expect(limiter.snapshot('openai').blockedForMs).toBe(5000);
    expect(limiter.snapshot('openai').speed).toBe(1 / 8);
    await clock.advance(5000);
    const permit = await limiter.acquire('openai');
    limiter.succeed(permit);
    limiter.penalize('openai', { code: 'server' });
    expect(limiter.snapshot('openai').blockedForMs).toBe(250);
  });

  it('reads remaining/reset headers: waits for the reset at zero, spreads what is left otherwise', async () => {
    const clock = createManualClock();
    const limiter = createRateLimiter({ clock, limits: { groq: { requestsPerMinute: 6000, tokensPerMinute: null, burst: 1 } } });
    limiter.report({ provider: 'groq', remainingRequests: 0, resetRequestsMs: 3000 });
    const granted: number[] = [];
    const start = clock.now();
    const take = () => void limiter.acquire('groq').then(() => granted.push(clock.now() - start));
    take();
    await clock.advance(2999);
    expect(granted).toEqual([]);
    await clock.advance(1);
    expect(granted).toEqual([3000]);
    // 4 requests left in the next 8 s: one every 2 s, even though the configured pace is 100 a second.
    limiter.report({ provider: 'groq', remainingRequests: 4, resetRequestsMs: 8000 });
    take();
    await clock.advance(1999);
    expect(granted).toEqual([3000]);
    await clock.advance(1);
    expect(granted).toEqual([3000, 5000]);
  });

  it('waits for the token reset when the vendor says too few tokens remain (anthropic-ratelimit-*)', async () => {
    const clock = createManualClock();
    const limiter = createRateLimiter({ clock });
    limiter.report({ provider: 'anthropic', limitTokens: 40_000, remainingTokens: 100, resetTokensMs: 4000 });
    let granted = -1;
    void limiter.acquire('anthropic', { tokens: 1500 }).then(() => (granted = clock.now()));
    const start = clock.now();
    await clock.advance(3999);
    expect(granted).toBe(-1);
    await clock.advance(1);
    expect(granted - start).toBeGreaterThanOrEqual(4000);
  });

  it('adopts the limits the vendor declares, upwards from the default as well as down', async () => {
    const clock = createManualClock();
    const limiter = createRateLimiter({ clock });
    expect(limiter.snapshot('openai').configured.requestsPerMinute).toBe(DEFAULT_PROVIDER_LIMITS.openai.requestsPerMinute);
    // A top-tier account says so on its first answer: 10,000 requests and 30M tokens a minute.
    limiter.report({ provider: 'openai', limitRequests: 10_000, limitTokens: 30_000_000 });
    expect(limiter.snapshot('openai').configured).toMatchObject({ requestsPerMinute: 10_000, tokensPerMinute: 30_000_000 });
    expect(limiter.snapshot('openai').effectiveRequestsPerMinute).toBe(10_000);
    // A burst of one second's worth at the new rate: 166 requests go out at once.
    const { granted } = acquireMany(limiter, clock, 170, 100);
    await clock.advance(0);
    expect(granted).toHaveLength(166);
    await clock.advance(24);
    expect(granted).toHaveLength(170);
    // The account is moved to a lower tier: the declared limit wins downwards too.
    limiter.report({ provider: 'anthropic', limitRequests: 5, limitTokens: 10_000 });
    expect(limiter.snapshot('anthropic').configured).toMatchObject({ requestsPerMinute: 5, tokensPerMinute: 10_000 });
    const slow: number[] = [];
    const start = clock.now();
    for (let i = 0; i < 2; i++) void limiter.acquire('anthropic', { tokens: 10 }).then(() => slow.push(clock.now() - start));
    await clock.advance(11_999);
    expect(slow).toEqual([0]);
    await clock.advance(1);
    expect(slow).toEqual([0, 12_000]);
  });

  it('re-counts the requests it already let out at the default pace when it adopts a higher declared limit', async () => {
    // Upwards: OpenAI's default is 500 a minute (8 at once, then one every 120 ms). The first
    // answer, 100 ms in, declares 600: what went out is re-counted at the new pace, so by then a
    // second's worth at 600 (10) is out, and the rest follow every 100 ms.
    const clock = createManualClock();
    const limiter = createRateLimiter({ clock, limits: { openai: { tokensPerMinute: null } } });
    const { granted } = acquireMany(limiter, clock, 14);
    await clock.advance(100);
    expect(granted).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    limiter.report({ provider: 'openai', limitRequests: 600 });
    await clock.advance(0);
    expect(granted).toHaveLength(10);
    await clock.advance(400);
    expect(granted.slice(8).map(Math.round)).toEqual([100, 100, 117, 217, 317, 417]);
  });

  it('re-counts the requests it already let out at the default pace when it adopts a lower declared limit', async () => {
    // Down: 8 went out at once under the default; the account allows 60 a minute (one a second,
    // no burst). Those 8 are 8 seconds' worth at the declared limit: the next waits for them.
    const down = createManualClock();
    const slow = createRateLimiter({ clock: down, limits: { openai: { tokensPerMinute: null } } });
    const first = acquireMany(slow, down, 8);
    await down.advance(0);
    expect(first.granted).toHaveLength(8);
    slow.report({ provider: 'openai', limitRequests: 60 });
    const next = acquireMany(slow, down, 1);
    await down.advance(7_999);
    expect(next.granted).toEqual([]);
    await down.advance(1);
    expect(next.granted).toEqual([8_000]);
  });

  it('keeps 429s as the brake after adopting a higher declared limit', async () => {
    const clock = createManualClock();
    const limiter = createRateLimiter({ clock });
    limiter.report({ provider: 'openai', limitRequests: 600 });
    limiter.penalize('openai', { code: 'rate_limited', retryAfterMs: 2000 });
    expect(limiter.snapshot('openai')).toMatchObject({ configured: { requestsPerMinute: 600 }, speed: 0.5, blockedForMs: 2000 });
    expect(limiter.snapshot('openai').effectiveRequestsPerMinute).toBe(300);
  });

  it('serves waiters in order and drops one whose signal aborts', async () => {
    const clock = createManualClock();
    const limiter = createRateLimiter({ clock, limits: { openai: { requestsPerMinute: 60, tokensPerMinute: null } } });
    await limiter.acquire('openai');
    const order: string[] = [];
    const controller = new AbortController();
    const a = limiter.acquire('openai').then(() => order.push('a'));
    const b = limiter.acquire('openai', { signal: controller.signal }).then(
      () => order.push('b'),
      (error: unknown) => order.push(`b:${(error as AppError).code}`),
    );
    const c = limiter.acquire('openai').then(() => order.push('c'));
    controller.abort();
    await b;
    expect(limiter.snapshot('openai').queued).toBe(2);
    await clock.advance(2000);
    await Promise.all([a, c]);
    expect(order).toEqual(['b:aborted', 'a', 'c']);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('refuses a budget of zero with the option named, when the limiter is created', () => {
    const refusal = (limits: Parameters<typeof createRateLimiter>[0]) => {
      try {
        createRateLimiter(limits);
      } catch (e) {
        return e as AppError;
      }
      return null;
    };
    const requests = refusal({ limits: { openai: { requestsPerMinute: 0 } } });
    expect(requests?.code).toBe('validation');
    expect(requests?.field).toBe('limits.openai.requestsPerMinute');
    const tokens = refusal({ limits: { groq: { tokensPerMinute: -1 } } });
    expect(tokens?.code).toBe('validation');
    expect(tokens?.field).toBe('limits.groq.tokensPerMinute');
    expect(refusal({ limits: { local: { tokensPerMinute: null } } })).toBeNull();
  });
});
