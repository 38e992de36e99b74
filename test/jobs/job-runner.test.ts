import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobItem } from '../../shared/domain/records';
import { jobProgressSchema } from '../../shared/domain/records';
import { AppError } from '../../electron/core/errors';
import type { ProcessItem } from '../../electron/core/jobs';
import { startFakeProviders, type FakeProviderSet } from '../fakes/fake-provider';
import { startFaultProxy, type FaultOutcome } from './fault-proxy';
import {
  countSequencesPerLead,
  createFixture,
  createGenerateJob,
  createRunnerUnderTest,
  createTestLimiter,
  deadPid,
  leadNameOf,
  onCleanup,
  productionProcessor,
  reopen,
  watchProgress,
  type Fixture,
} from './harness';
import { expectDefined } from '../helpers/expect-defined';

let fakes: FakeProviderSet;

beforeAll(async () => {
  fakes = await startFakeProviders({ latencyMs: 0 });
});

afterAll(async () => {
  await fakes.close();
});

function allItems(fixture: Fixture, jobId: string): JobItem[] {
  return fixture.store.jobs.items(jobId, { offset: 0, limit: 10_000 });
}

function generateCalls(kind: 'openai' | 'anthropic'): number {
  return fakes.forProvider(kind).calls.filter((c) => c.route === 'generate').length;
}

function fakeUrls(): { openai: string; anthropic: string } {
  return { openai: fakes.baseURLFor('openai'), anthropic: fakes.baseURLFor('anthropic') };
}

/**
 * The job service makes every job here (its params, its fallback order from the organization's
 * settings) and, unless a test needs a second process or a fault at one exact item, the service's
 * own runner runs it: the one the app, the CLI and the host use, reporting through the core's
 * broadcast. Vendor faults come from the network (the fakes and a fault proxy), not from the code.
 */
describe('job runner with the production processor, the real provider core and a real store', () => {
  it('drafts one sequence per lead, within the concurrency, with progress and an ETA', async () => {
    const fake = fakes.forProvider('openai');
    fake.reset();
    // A little latency at the vendor, so the calls the runner starts together are in flight together.
    fake.setLatency(20);
    onCleanup(() => fake.setLatency(0));
    const proxy = await startFaultProxy(fakes.baseURLFor('openai'), { kind: 'openai', decide: () => 'ok' });
    onCleanup(() => proxy.close());
    const fixture = await createFixture(30, { openai: proxy.url });
    const job = createGenerateJob(fixture, 'openai', { concurrency: 3 });
    const { runner } = fixture.core.services.jobs;
    const { events } = watchProgress(fixture.core);
    expect(runner.start(job.id).status).toBe('running');
    const final = await runner.settled(job.id);
    expect(final).toMatchObject({ status: 'completed', total: 30, done: 30, failed: 0 });
    expect(countSequencesPerLead(fixture)).toEqual(Array(30).fill(1));
    expect(proxy.maxInFlight).toBeLessThanOrEqual(3);
    expect(proxy.maxInFlight).toBeGreaterThan(1);
    for (const item of allItems(fixture, job.id)) {
      expect(item).toMatchObject({ status: 'done', provider: 'openai', attempts: 1 });
      expect(fixture.data.sequences.get(expectDefined(item.resultId))?.provider).toBe('openai');
    }
    expect(fixture.data.usage.summary({ groupBy: 'provider' }).totals.calls).toBe(generateCalls('openai'));
    for (const event of events) jobProgressSchema.parse(event);
    expect(events.some((e) => e.status === 'running' && e.etaMs !== null && e.etaMs >= 0)).toBe(true);
    expect(events.at(-1)).toMatchObject({ status: 'completed', done: 30, total: 30, etaMs: null });
    const done = events.map((e) => e.done);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(runner.isActive(job.id)).toBe(false);
  });

  it('completes under 10% of each retryable fault, failing only items whose last call failed, with that code', async () => {
    fakes.forProvider('openai').reset();
    const faults: FaultOutcome[] = ['rate_limited', 'overloaded', 'server', 'reset'];
    // A deterministic draw per (lead, attempt): concurrency cannot change which calls fail.
    const draw = (lead: string | null, attempt: number): FaultOutcome => {
      let h = 2166136261;
      for (const ch of `${lead}:${attempt}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
      const r = (h >>> 0) % 100;
      return r < 40 ? expectDefined(faults[Math.floor(r / 10)]) : 'ok';
    };
    const proxy = await startFaultProxy(fakes.baseURLFor('openai'), { kind: 'openai', decide: draw });
    onCleanup(() => proxy.close());
    const fixture = await createFixture(120, { openai: proxy.url }, { attemptsPerProvider: 2 });
    const job = createGenerateJob(fixture, 'openai', { concurrency: 6 });
    const { runner } = fixture.core.services.jobs;
    runner.start(job.id);
    const final = await runner.settled(job.id);
    expect(final.status).toBe('completed');
    expect(final.done + final.failed).toBe(120);
    const items = allItems(fixture, job.id);
    const failed = items.filter((i) => i.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.length).toBe(final.failed);
    expect(proxy.records.some((r) => r.outcome === 'reset')).toBe(true);
    const lastOutcome = new Map(proxy.records.map((r) => [r.lead, r.outcome]));
    const names = new Map(fixture.leadIds.map((id, i) => [id, `Lead-${i}`]));
    for (const item of items) {
      const last = lastOutcome.get(expectDefined(names.get(String(item.input.leadId))));
      if (item.status === 'done') {
        expect(last).toBe('ok');
      } else {
        expect(item.status).toBe('failed');
        expect(['rate_limited', 'overloaded', 'server']).toContain(expectDefined(item.error).code);
        expect(expectDefined(item.error).code).toBe(last);
        expect(expectDefined(item.error).message).toMatch(/OpenAI/);
      }
    }
    const perLead = countSequencesPerLead(fixture);
    expect(perLead.filter((n) => n === 1)).toHaveLength(final.done);
    expect(perLead.every((n) => n <= 1)).toBe(true);
    // The ledger has one row per call, answered or not (a reset is an 'offline' error row with no tokens).
    const totals = fixture.data.usage.summary({ groupBy: 'provider' }).totals;
    expect(totals.calls).toBe(proxy.records.length);
    expect(totals.errors).toBe(proxy.records.filter((r) => r.outcome !== 'ok').length);
  });

  it('pauses the whole job on quota_exhausted with the reason, and finishes on resume', async () => {
    const fake = fakes.forProvider('openai');
    fake.reset();
    const fixture = await createFixture(12, fakeUrls());
    const job = createGenerateJob(fixture, 'openai', { concurrency: 1 });
    // Three calls succeed, then the account runs out of credit.
    const quota = {
      status: 429,
      body: {
        error: {
          message: 'You exceeded your current quota, please check your plan and billing details.',
          type: 'insufficient_quota',
          param: null,
          code: 'insufficient_quota',
        },
      },
    };
    const inner = productionProcessor(fixture);
    let calls = 0;
    const gated = createRunnerUnderTest(fixture, async (item, context) => {
      calls++;
      if (calls === 4) fake.script(quota);
      return inner(item, context);
    });
    gated.runner.start(job.id);
    const paused = await gated.runner.settled(job.id);
    expect(paused.status).toBe('paused');
    expect(paused.pauseReason).toMatchObject({ code: 'quota_exhausted', provider: 'openai' });
    expect(expectDefined(paused.pauseReason).message).toMatch(/add credit/);
    expect(paused.done).toBe(3);
    expect(paused.failed).toBe(0);
    const counts = fixture.store.jobs.progress(job.id);
    expect(counts).toMatchObject({ running: 0, pending: 9, failed: 0 });
    expect(fixture.store.jobs.lease(job.id)).toBeNull();
    expect(gated.events.at(-1)).toMatchObject({ status: 'paused', pauseReason: { code: 'quota_exhausted' } });
    // The user adds credit and resumes.
    await gated.runner.resume(job.id);
    const final = await gated.runner.settled(job.id);
    expect(final).toMatchObject({ status: 'completed', done: 12, failed: 0, pauseReason: null });
    expect(countSequencesPerLead(fixture)).toEqual(Array(12).fill(1));
    expect(gated.runner.isActive(job.id)).toBe(false);
  });

  it('pauses on a rejected key (auth) and on a reached budget', async () => {
    const fake = fakes.forProvider('openai');
    fake.reset();
    const fixture = await createFixture(5, fakeUrls());
    const authJob = createGenerateJob(fixture, 'openai', { concurrency: 2 });
    fake.script({
      status: 401,
      body: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } },
    });
    const { runner } = fixture.core.services.jobs;
    runner.start(authJob.id);
    const paused = await runner.settled(authJob.id);
    expect(paused.status).toBe('paused');
    expect(paused.pauseReason).toMatchObject({ code: 'auth', provider: 'openai' });
    expect(fixture.store.jobs.progress(authJob.id).running).toBe(0);

    // The org's real budget check: the first two calls cost more than the whole budget.
    const budgetJob = createGenerateJob(fixture, 'openai', { concurrency: 1 });
    const set = await fixture.core.dispatch('settings:update-llm', { settings: { monthlyBudgetUsd: 0.000001 } }, { emit: () => {} });
    expect(set.ok).toBe(true);
    // The ledger, not the fake's count: a call of the paused job aborted in flight may still reach the fake late.
    const ledgerBefore = fixture.data.usage.rows().length;
    runner.start(budgetJob.id);
    const stopped = await runner.settled(budgetJob.id);
    expect(stopped).toMatchObject({ status: 'paused', pauseReason: { code: 'budget_exceeded' } });
    expect(stopped.done).toBeGreaterThanOrEqual(1);
    expect(stopped.done).toBeLessThan(5);
    // Every item that was drafted made one call, billed once; the item that found the budget spent made none.
    const billed = fixture.data.usage.rows().slice(ledgerBefore);
    expect(billed).toHaveLength(stopped.done);
    expect(billed.every((row) => row.outcome === 'ok')).toBe(true);
    expect(fixture.store.jobs.progress(budgetJob.id)).toMatchObject({ running: 0, failed: 0, pending: 5 - stopped.done });
  });

  it('pauses, resumes and cancels on request, with no item left running', async () => {
    const fake = fakes.forProvider('openai');
    fake.reset();
    const fixture = await createFixture(20, fakeUrls());
    const job = createGenerateJob(fixture, 'openai', { concurrency: 2 });
    let callsStarted = 0;
    let hanging!: () => void;
    const sixthCallHangs = new Promise<void>((resolve) => (hanging = resolve));
    const inner = productionProcessor(fixture);
    const { runner, waitForProgress } = createRunnerUnderTest(fixture, async (item, context) => {
      callsStarted++;
      // The sixth call hangs until the job is paused: pausing must abort it.
      if (callsStarted === 6) {
        await new Promise<void>((_resolve, reject) => {
          context.signal.addEventListener('abort', () => reject(new AppError('aborted', 'The request was cancelled.')));
          hanging();
        });
      }
      return inner(item, context);
    });
    runner.start(job.id);
    await sixthCallHangs;
    const paused = await runner.pause(job.id);
    expect(paused.status).toBe('paused');
    expect(fixture.store.jobs.progress(job.id).running).toBe(0);
    expect(paused.done).toBeLessThan(20);
    expect(runner.progress(job.id)).toMatchObject({ status: 'paused', etaMs: null });

    const resumed = await runner.resume(job.id);
    expect(resumed.status).toBe('running');
    await waitForProgress((p) => p.status === 'running' && p.done >= paused.done + 2);
    const cancelled = await runner.cancel(job.id);
    expect(cancelled.status).toBe('cancelled');
    expect(fixture.store.jobs.progress(job.id).running).toBe(0);
    await expect(runner.resume(job.id)).rejects.toMatchObject({ code: 'conflict' });
    const perLead = countSequencesPerLead(fixture);
    expect(perLead.every((n) => n <= 1)).toBe(true);
    expect(perLead.filter((n) => n === 1)).toHaveLength(cancelled.done);
  });

  it('marks an item that fails for good with its error, and retries it alone', async () => {
    const fake = fakes.forProvider('openai');
    fake.reset();
    const fixture = await createFixture(6, fakeUrls());
    const job = createGenerateJob(fixture, 'openai', { concurrency: 1 });
    // The first call is refused as a bad request: not retryable, the item fails alone.
    fake.script({ status: 400, body: { error: { message: 'Bad request', type: 'invalid_request_error', param: null, code: null } } });
    const { runner } = fixture.core.services.jobs;
    runner.start(job.id);
    const first = await runner.settled(job.id);
    expect(first).toMatchObject({ status: 'completed', done: 5, failed: 1 });
    const [failed] = fixture.store.jobs.items(job.id, { offset: 0, limit: 10, status: 'failed' });
    expect(expectDefined(failed).error).toMatchObject({ code: 'invalid_request', provider: 'openai', retryable: false });
    // The export the UI downloads has every lead, the failed one as a row with its error and no steps.
    for (const format of ['csv-per-lead', 'csv-per-step'] as const) {
      const exported = fixture.core.services.jobs.export(job.id, format, false);
      const rows = Papa.parse<Record<string, string>>(exported.content.trim(), { header: true }).data;
      expect(rows.filter((r) => r.status === 'done').map((r) => r.item)).toEqual(
        format === 'csv-per-lead' ? ['2', '3', '4', '5', '6'] : ['2', '2', '3', '3', '4', '4', '5', '5', '6', '6'],
      );
      const failedRows = rows.filter((r) => r.status === 'failed');
      expect(failedRows).toHaveLength(1);
      expect(failedRows[0]).toMatchObject({ item: '1', first_name: 'Lead-0', error_code: 'invalid_request' });
      expect(expectDefined(failedRows[0])[format === 'csv-per-lead' ? 'step_1_body' : 'body']).toBe('');
    }
    const json = JSON.parse(fixture.core.services.jobs.export(job.id, 'json', false).content) as Array<{
      item: number;
      itemStatus: string;
      error: { code: string } | null;
      steps: unknown[];
    }>;
    expect(json.map((d) => [d.item, d.itemStatus, d.error?.code ?? null, d.steps.length])).toEqual([
      [1, 'failed', 'invalid_request', 0],
      ...[2, 3, 4, 5, 6].map((n) => [n, 'done', null, 2]),
    ]);
    const callsBefore = generateCalls('openai');

    const retried = fixture.core.services.jobs.retryItem(job.id, expectDefined(failed).id);
    expect(retried.status).toBe('pending');
    const second = await runner.settled(job.id);
    expect(second).toMatchObject({ status: 'completed', done: 6, failed: 0 });
    expect(generateCalls('openai')).toBe(callsBefore + 1);
    expect(countSequencesPerLead(fixture)).toEqual(Array(6).fill(1));
    expect(() => runner.retryItem(job.id, 'nope')).toThrow(/has no item/);
  });

  it('falls back to the next provider when one stays overloaded, and records who answered', async () => {
    const openai = fakes.forProvider('openai');
    const anthropic = fakes.forProvider('anthropic');
    openai.reset();
    anthropic.reset();
    const limiter = createTestLimiter();
    const fixture = await createFixture(4, fakeUrls(), { attemptsPerProvider: 2, limiter });
    // The organization's fallback order, as an admin sets it: the job takes it when it is made.
    const set = await fixture.core.dispatch('settings:update-llm', { settings: { fallbackOrder: ['openai', 'anthropic'] } }, { emit: () => {} });
    expect(set.ok).toBe(true);
    const job = createGenerateJob(fixture, 'openai', { concurrency: 1 });
    expect(job.params.fallbackOrder).toEqual(['anthropic']);
    // Lead-0 gets 503 on both of its OpenAI attempts; the rest answer normally.
    const overloaded = { status: 503, body: { error: { message: 'Server Overloaded', type: 'server_error' } } };
    openai.script(overloaded, overloaded);
    const { runner } = fixture.core.services.jobs;
    runner.start(job.id);
    const final = await runner.settled(job.id);
    expect(final).toMatchObject({ status: 'completed', done: 4, failed: 0 });
    const items = allItems(fixture, job.id);
    expect(items.map((i) => i.provider)).toEqual(['anthropic', 'openai', 'openai', 'openai']);
    expect(fixture.data.sequences.get(expectDefined(expectDefined(items[0]).resultId))).toMatchObject({ provider: 'anthropic' });
    expect(anthropic.calls.filter((c) => c.route === 'generate')).toHaveLength(1);
    // The overloaded provider was slowed down, then sped back up by the successes.
    expect(limiter.snapshot('openai').speed).toBeLessThan(1);
  });

  it('queues items while offline and resumes by itself when calls succeed again', async () => {
    fakes.forProvider('openai').reset();
    const proxy = await startFaultProxy(fakes.baseURLFor('openai'), { kind: 'openai', decide: () => 'ok' });
    onCleanup(() => proxy.close());
    const fixture = await createFixture(10, { openai: proxy.url });
    const job = createGenerateJob(fixture, 'openai', { concurrency: 2 });
    const { runner } = fixture.core.services.jobs;
    const { waitForProgress } = watchProgress(fixture.core);
    proxy.setOffline(true);
    runner.start(job.id);
    const waiting = await waitForProgress((p) => p.waiting > 0);
    expect(waiting).toMatchObject({ status: 'running', etaMs: null });
    // A probe finds the network still down: the items keep waiting, none failed.
    await proxy.waitForOfflineHit();
    expect(fixture.store.jobs.progress(job.id).failed).toBe(0);
    proxy.setOffline(false);
    const final = await runner.settled(job.id);
    expect(final).toMatchObject({ status: 'completed', done: 10, failed: 0 });
    expect(countSequencesPerLead(fixture)).toEqual(Array(10).fill(1));
  });

  it('resumes a job whose runner died mid-run, on a new core and store: exactly one result per lead, one usage row per call', async () => {
    const fake = fakes.forProvider('openai');
    fake.reset();
    const fixture = await createFixture(40, fakeUrls());
    const job = createGenerateJob(fixture, 'openai', { concurrency: 4 });
    const production = productionProcessor(fixture);
    const never = new Promise<never>(() => {});
    const callOf = new Map<string, number>();
    // The first runner "dies" after 11 calls: later calls never start, and the 11th answer is
    // never committed (a crash between the response and the write). Its lease names a pid
    // that no longer exists, as a killed process's does.
    const dying: ProcessItem = async (item, context) => {
      const lead = leadNameOf(fixture, item.input.leadId);
      callOf.set(lead, callOf.size + 1);
      if (callOf.size > 11) return never;
      const processed = await production(item, context);
      return callOf.get(lead) === 11 ? never : processed;
    };
    const dead = createRunnerUnderTest(fixture, dying, { abandon: true, lease: { pid: deadPid(), program: 'cli' } });
    dead.runner.start(job.id);
    await dead.waitForProgress((p) => p.done >= 10);
    await fake.waitForCalls(11);
    const abandoned = fixture.store.jobs.progress(job.id);
    expect(abandoned.done).toBeLessThan(40);
    expect(fixture.store.jobs.get(job.id)?.status).toBe('running');

    // A new process: its own core, store connection and runner on the same file; the user resumes the job.
    const reopened = await reopen(fixture, fakeUrls());
    const { jobs } = reopened.core.services;
    const resumed = await jobs.resume(job.id);
    expect(resumed.status).toBe('running');
    expect(reopened.store.jobs.lease(job.id)).toMatchObject({ pid: process.pid, program: 'app' });
    const final = await jobs.runner.settled(job.id);
    expect(final).toMatchObject({ status: 'completed', done: 40, failed: 0 });
    expect(countSequencesPerLead(reopened)).toEqual(Array(40).fill(1));
    const totals = reopened.data.usage.summary({ groupBy: 'provider' }).totals;
    expect(totals.calls).toBe(fake.calls.filter((c) => c.route === 'generate').length);
    expect(totals.calls).toBeGreaterThan(40);
    expect(reopened.store.jobs.lease(job.id)).toBeNull();
  });

  it('refuses a second runner while the first is alive, naming it, and touches nothing', async () => {
    fakes.forProvider('openai').reset();
    const fixture = await createFixture(6, fakeUrls());
    const job = createGenerateJob(fixture, 'openai', { concurrency: 1 });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const firstCallStarted = new Promise<void>((resolve) => (started = resolve));
    const production = productionProcessor(fixture);
    const first = createRunnerUnderTest(
      fixture,
      async (item, context) => {
        started();
        await gate;
        return production(item, context);
      },
      { lease: { program: 'cli' } },
    );
    first.runner.start(job.id);
    await firstCallStarted;
    const before = fixture.store.jobs.items(job.id, { offset: 0, limit: 10 });

    // The app, on the same file, is asked to resume, pause, cancel and retry through its job service.
    const second = await reopen(fixture, fakeUrls());
    const { jobs } = second.core.services;
    for (const attempt of [() => jobs.resume(job.id), () => jobs.pause(job.id), () => jobs.cancel(job.id)]) {
      const error = await attempt().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('conflict');
      expect((error as AppError).message).toMatch(
        new RegExp(`is already running in the CLI \\(pid ${process.pid}\\) since \\d\\d:\\d\\d\\. Nothing was changed`),
      );
    }
    expect(() => jobs.retryItem(job.id, expectDefined(before[0]).id)).toThrow(/already running in the CLI/);
    expect(jobs.get(job.id, { offset: 0, limit: 10 }).holder).toMatchObject({ pid: process.pid, program: 'cli', live: true, self: false });
    expect(second.store.jobs.items(job.id, { offset: 0, limit: 10 })).toEqual(before);
    expect(second.store.jobs.get(job.id)?.status).toBe('running');

    release();
    expect(await first.runner.settled(job.id)).toMatchObject({ status: 'completed', done: 6 });
    expect(countSequencesPerLead(fixture)).toEqual(Array(6).fill(1));
  });

  it('commits items settled without a model call in batches, and a crash loses at most the open batch', async () => {
    const fixture = await createFixture(0, fakeUrls());
    const items = Array.from({ length: 50 }, (_, i) => ({
      name: `m${i}.eml`,
      sourceBase64: Buffer.from(`From: a${i}@example.com\nSubject: Hi ${i}\n\nThanks, talk soon.\n`).toString('base64'),
    }));
    const job = fixture.data.jobs.create({ kind: 'classify', provider: null, params: { userId: fixture.userId, rulesOnly: true, fallbackOrder: [] }, items });
    const production = productionProcessor(fixture);
    // Batches of 20, flushed by size only: after 45 items, 40 are committed and 5 wait.
    let processed = 0;
    let reached!: () => void;
    const fortyFive = new Promise<void>((resolve) => (reached = resolve));
    const never = new Promise<never>(() => {});
    const dying = createRunnerUnderTest(
      fixture,
      async (item, context) => {
        if (processed >= 45) return never;
        const result = await production(item, context);
        if (++processed === 45) reached();
        return result;
      },
      { abandon: true, lease: { pid: deadPid() }, localConcurrency: 4, commitBatch: { size: 20, maxDelayMs: 3_600_000 } },
    );
    dying.runner.start(job.id);
    await fortyFive;
    expect(fixture.store.jobs.progress(job.id)).toMatchObject({ done: 40, pending: 10, running: 0 });
    expect(fixture.data.replies.list({ offset: 0, limit: 1 }).total).toBe(40);

    const reopened = await reopen(fixture, fakeUrls());
    const { jobs } = reopened.core.services;
    await jobs.resume(job.id);
    expect(await jobs.runner.settled(job.id)).toMatchObject({ status: 'completed', done: 50, failed: 0 });
    const resultIds = reopened.store.jobs.items(job.id, { offset: 0, limit: 100 }).map((i) => i.resultId);
    expect(new Set(resultIds).size).toBe(50);
    expect(resultIds.every((id) => id !== null && reopened.data.replies.get(id) !== null)).toBe(true);
    // The five results lost with the open batch were redone, not saved twice.
    expect(reopened.data.replies.list({ offset: 0, limit: 1 }).total).toBe(50);
  });

  it('keeps more items in flight for a job with no model calls (rules only) than for one that calls a provider', async () => {
    const fixture = await createFixture(0, fakeUrls());
    const job = fixture.data.jobs.create({
      kind: 'classify',
      provider: null,
      params: { userId: fixture.userId, rulesOnly: true, fallbackOrder: [] },
      items: Array.from({ length: 30 }, (_, i) => ({
        name: `m${i}.eml`,
        sourceBase64: Buffer.from(`From: a${i}@example.com\nSubject: Hi ${i}\n\nThanks, talk soon.\n`).toString('base64'),
      })),
    });
    const production = productionProcessor(fixture);
    let inFlight = 0;
    let most = 0;
    // The runner launches what its limit allows at once; each item then waits a turn of the event loop.
    const { runner } = createRunnerUnderTest(
      fixture,
      async (item, context) => {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
        return production(item, context);
      },
      { concurrency: 2, localConcurrency: 12 },
    );
    runner.start(job.id);
    expect(await runner.settled(job.id)).toMatchObject({ status: 'completed', done: 30, failed: 0 });
    expect(most).toBe(12);
  });

  it('refuses to start a job twice or resume a finished one', async () => {
    fakes.forProvider('openai').reset();
    const fixture = await createFixture(2, fakeUrls());
    const job = createGenerateJob(fixture, 'openai');
    const { runner } = fixture.core.services.jobs;
    runner.start(job.id);
    expect(runner.start(job.id).status).toBe('running');
    await runner.settled(job.id);
    expect(() => runner.start(job.id)).toThrow(/completed and cannot be started/);
    await expect(runner.resume(job.id)).rejects.toMatchObject({ code: 'conflict' });
    await expect(runner.pause(job.id)).rejects.toMatchObject({ code: 'conflict' });
    expect(() => runner.progress('missing')).toThrow(AppError);
  });
});
