import { describe, expect, it } from 'vitest';
import { AppError } from '../../electron/core/errors';
import { openStore, type Store } from '../../electron/core/storage';
import { usageGroupBySchema, type UsageEvent } from '../../shared/domain/usage';
import type { LLMProviderName } from '../../shared/domain/llm';
import { tempDir } from './temp-dir';
import { expectDefined } from '../helpers/expect-defined';

const PROVIDERS: LLMProviderName[] = ['anthropic', 'openai', 'groq'];
const MODELS = ['small', 'large'];
const OPERATIONS = ['chat', 'test', 'sequence', 'classify'] as const;

/** A deterministic spread of calls over three days, providers, models, operations and users, with awkward costs. */
function makeEvents(orgId: string, users: Array<string | null>): UsageEvent[] {
  return Array.from({ length: 300 }, (_, i) => ({
    id: `evt-${i}`,
    orgId,
    // null is one of the users: events without a user.
    userId: users[i % users.length] ?? null,
    operation: expectDefined(OPERATIONS[i % OPERATIONS.length]),
    provider: expectDefined(PROVIDERS[i % PROVIDERS.length]),
    model: expectDefined(MODELS[i % MODELS.length]),
    inputTokens: 100 + i,
    outputTokens: 7 * i,
    cachedInputTokens: i % 5 === 0 ? 50 : 0,
    costUsd: (100 + i) * 0.000000075 + 7 * i * 0.0000006,
    priceTable: 'catalog-2026-11-01',
    latencyMs: 10 + i,
    outcome: i % 10 === 0 ? 'error' : 'ok',
    errorCode: i % 10 === 0 ? 'rate_limited' : null,
    requestId: `req-${i}`,
    createdAt: `2026-11-${String(1 + (i % 3)).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:00:00.000Z`,
  }));
}

function keyOf(event: UsageEvent, groupBy: string): string {
  switch (groupBy) {
    case 'day':
      return event.createdAt.slice(0, 10);
    case 'provider':
      return event.provider;
    case 'model':
      return `${event.provider}/${event.model}`;
    case 'operation':
      return event.operation;
    default:
      return event.userId ?? 'none';
  }
}

function sums(events: UsageEvent[]) {
  return {
    calls: events.length,
    errors: events.filter((e) => e.outcome === 'error').length,
    inputTokens: events.reduce((s, e) => s + e.inputTokens, 0),
    outputTokens: events.reduce((s, e) => s + e.outputTokens, 0),
    cachedInputTokens: events.reduce((s, e) => s + e.cachedInputTokens, 0),
    costUsd: events.reduce((s, e) => s + e.costUsd, 0),
  };
}

function setup(): { store: Store; orgId: string; events: UsageEvent[] } {
  const store = openStore({ dataDir: tempDir() });
  const { org, owner } = store.orgs.ensureFirstRun();
  const member = store.forOrg(org.id).users.save({ name: 'Max', role: 'member' });
  const events = makeEvents(org.id, [owner.id, member.id, null]);
  // One transaction: each commit is an fsync (synchronous = FULL), and 300 of them only slow the suite down.
  const inserted = store.transaction(() => events.filter((event) => store.forOrg(org.id).usage.record(event)));
  expect(inserted).toHaveLength(events.length);
  return { store, orgId: org.id, events };
}

function expectTotals(actual: ReturnType<typeof sums>, expected: ReturnType<typeof sums>) {
  const { costUsd, ...counts } = expected;
  expect(actual).toMatchObject(counts);
  // Costs are stored as integer nano-dollars: exact to 1e-9 per row.
  expect(Math.abs(actual.costUsd - costUsd)).toBeLessThan(1e-9 * expected.calls);
}

describe('usage ledger', () => {
  it('records each event once, however often it is delivered', () => {
    const { store, orgId, events } = setup();
    expect(store.forOrg(orgId).usage.record(expectDefined(events[0]))).toBe(false);
    expect(store.forOrg(orgId).usage.record({ ...expectDefined(events[1]), inputTokens: 999_999 })).toBe(false);
    const rows = store.forOrg(orgId).usage.rows();
    expect(rows).toHaveLength(events.length);
    expect(rows.find((r) => r.id === expectDefined(events[1]).id)?.inputTokens).toBe(expectDefined(events[1]).inputTokens);
    store.close();
  });

  it.each(usageGroupBySchema.options)('summary by %s: totals and every group equal the sums of the recorded rows', (groupBy) => {
    const { store, orgId, events } = setup();
    const summary = store.forOrg(orgId).usage.summary({ groupBy });
    expect(summary.groupBy).toBe(groupBy);
    expectTotals(summary.totals, sums(events));
    const expectedKeys = [...new Set(events.map((e) => keyOf(e, groupBy)))].sort();
    expect(summary.rows.map((r) => r.key).sort()).toEqual(expectedKeys);
    for (const row of summary.rows) {
      const { key, ...totals } = row;
      expectTotals(totals, sums(events.filter((e) => keyOf(e, groupBy) === key)));
    }
    store.close();
  });

  it('windows by since (inclusive) and a date-only until (the whole day)', () => {
    const { store, orgId, events } = setup();
    const summary = store.forOrg(orgId).usage.summary({ since: '2026-11-02', until: '2026-11-02', groupBy: 'day' });
    const expected = events.filter((e) => e.createdAt.startsWith('2026-11-02'));
    expect(summary.since).toBe('2026-11-02');
    expect(summary.rows.map((r) => r.key)).toEqual(['2026-11-02']);
    expectTotals(summary.totals, sums(expected));
    expect(
      store
        .forOrg(orgId)
        .usage.rows({ since: '2026-11-02', until: '2026-11-02' })
        .map((r) => r.id),
    ).toEqual(expected.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map((e) => e.id));
    expect(
      store
        .forOrg(orgId)
        .usage.rows({ until: '2026-11-01T05:00:00.000Z' })
        .every((r) => r.createdAt < '2026-11-01T05:00:00.000Z'),
    ).toBe(true);
    store.close();
  });

  it('returns rows for export exactly as recorded', () => {
    const { store, orgId, events } = setup();
    const byId = new Map(
      store
        .forOrg(orgId)
        .usage.rows()
        .map((r) => [r.id, r]),
    );
    for (const event of events) {
      const row = expectDefined(byId.get(event.id));
      expect({ ...row, costUsd: 0 }).toEqual({ ...event, costUsd: 0 });
      expect(Math.abs(row.costUsd - event.costUsd)).toBeLessThanOrEqual(5e-10);
    }
    store.close();
  });

  it('adds up a month of spend', () => {
    const { store, orgId, events } = setup();
    store.forOrg(orgId).usage.record({ ...expectDefined(events[0]), id: 'december', createdAt: '2026-12-01T00:00:00.000Z', costUsd: 5 });
    store.forOrg(orgId).usage.record({ ...expectDefined(events[0]), id: 'october', createdAt: '2026-10-31T23:59:59.999Z', costUsd: 7 });
    expect(store.forOrg(orgId).usage.monthSpend('2026-11')).toBeCloseTo(sums(events).costUsd, 7);
    expect(store.forOrg(orgId).usage.monthSpend('2026-12')).toBe(5);
    expect(store.forOrg(orgId).usage.monthSpend('2026-10')).toBe(7);
    expect(store.forOrg(orgId).usage.monthSpend('2025-01')).toBe(0);
    expect(() => store.forOrg(orgId).usage.monthSpend('November')).toThrow(AppError);
    store.close();
  });

  it('builds a daily series per provider and per model', () => {
    const { store, orgId, events } = setup();
    const series = store.forOrg(orgId).usage.timeseries({ by: 'provider' });
    expect(series.days).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
    expect(series.series.map((s) => s.key).sort()).toEqual([...PROVIDERS].sort());
    for (const s of series.series) {
      series.days.forEach((day, i) => {
        const mine = events.filter((e) => e.provider === s.key && e.createdAt.startsWith(day));
        expect(s.tokens[i]).toBe(mine.reduce((n, e) => n + e.inputTokens + e.outputTokens, 0));
        expect(s.costUsd[i]).toBeCloseTo(sums(mine).costUsd, 8);
      });
    }
    const lastDay = events.filter((e) => e.createdAt >= '2026-11-03');
    const byModel = store.forOrg(orgId).usage.timeseries({ since: '2026-11-03', by: 'model' });
    expect(byModel.days).toEqual(['2026-11-03']);
    expect(byModel.series.map((s) => s.key).sort()).toEqual([...new Set(lastDay.map((e) => `${e.provider}/${e.model}`))].sort());
    expect(byModel.series.reduce((n, s) => n + expectDefined(s.tokens[0]), 0)).toBe(lastDay.reduce((n, e) => n + e.inputTokens + e.outputTokens, 0));
    store.close();
  });

  it('refuses an invalid event and an unknown organization', () => {
    const { store, orgId, events } = setup();
    const bad = (() => {
      try {
        store.forOrg(orgId).usage.record({ ...expectDefined(events[0]), id: 'neg', inputTokens: -1 });
      } catch (e) {
        return e as AppError;
      }
    })();
    expect(bad?.code).toBe('validation');
    expect(bad?.field).toBe('inputTokens');
    expect(() => store.forOrg('no-such-org')).toThrow(AppError);
    // Nor can an event of another organization be filed under this one.
    expect(() => store.forOrg(orgId).usage.record({ ...expectDefined(events[0]), id: 'orphan', orgId: 'no-such-org' })).toThrow(AppError);
    expect(
      store
        .forOrg(orgId)
        .usage.rows()
        .map((r) => r.id),
    ).not.toContain('orphan');
    store.close();
  });
});
