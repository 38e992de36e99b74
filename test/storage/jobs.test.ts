import { describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../electron/core/storage';
import type { AppErrorData } from '../../shared/domain/errors';
import type { SequenceStep } from '../../shared/domain/sequence';
import { caught } from '../helpers/caught';
import { tempDir } from './temp-dir';
import { expectDefined } from '../helpers/expect-defined';

const STEPS: SequenceStep[] = [{ step: 1, delay_days: 0, channel: 'email', subject: 'Hi', body: 'Hello' }];
const RATE_LIMITED: AppErrorData = { code: 'rate_limited', message: 'Slow down', retryable: true, provider: 'openai', retryAfterMs: 1000 };
const OFFLINE: AppErrorData = { code: 'offline', message: 'No network', retryable: true };

function setup(count = 5): { store: Store; orgId: string; jobId: string; leadIds: string[] } {
  const store = openStore({ dataDir: tempDir() });
  const { org } = store.orgs.ensureFirstRun();
  const leadIds = store.forOrg(org.id).leads.importMany(Array.from({ length: count }, (_, i) => ({ firstName: `L${i}` })));
  const job = store
    .forOrg(org.id)
    .jobs.create({ kind: 'generate', provider: 'openai', params: { businessProfileId: 'p1' }, items: leadIds.map((leadId) => ({ leadId })) });
  return { store, orgId: org.id, jobId: job.id, leadIds };
}

describe('jobs', () => {
  it('creates a job with its items and lists it', () => {
    const { store, orgId, jobId, leadIds } = setup();
    const job = expectDefined(store.jobs.get(jobId));
    expect(job).toMatchObject({
      orgId,
      kind: 'generate',
      status: 'queued',
      provider: 'openai',
      params: { businessProfileId: 'p1' },
      total: 5,
      done: 0,
      failed: 0,
      pauseReason: null,
    });
    expect(
      store
        .forOrg(orgId)
        .jobs.list()
        .map((j) => j.id),
    ).toEqual([jobId]);
    const items = store.jobs.items(jobId, { offset: 0, limit: 10 });
    expect(items.map((i) => [i.seq, i.status, i.input.leadId, i.attempts])).toEqual(leadIds.map((id, seq) => [seq, 'pending', id, 0]));
    expect(caught(() => store.forOrg(orgId).jobs.create({ kind: 'nope' as never, provider: null, params: {}, items: [] })).code).toBe('validation');
    expect(store.forOrg(orgId).jobs.list()).toHaveLength(1);
    store.close();
  });

  it('gives the lease to one owner at a time, and to another only when the holder is gone', () => {
    const { store, jobId } = setup();
    const a = { owner: 'owner-a', pid: 11, program: 'cli' as const, host: 'h' };
    const b = { owner: 'owner-b', pid: 22, program: 'app' as const, host: 'h' };
    const first = store.jobs.acquireLease(jobId, a, () => false);
    expect(first).toMatchObject({ acquired: true, lease: { jobId, owner: 'owner-a', pid: 11, program: 'cli', host: 'h' }, replaced: null });
    const refused = store.jobs.acquireLease(jobId, b, () => false);
    expect(refused).toMatchObject({ acquired: false, holder: { owner: 'owner-a', pid: 11 } });
    expect(store.jobs.lease(jobId)?.owner).toBe('owner-a');
    // The same owner may take it again.
    expect(store.jobs.acquireLease(jobId, a, () => false).acquired).toBe(true);
    const seen: string[] = [];
    const taken = store.jobs.acquireLease(jobId, b, (current) => {
      seen.push(current.owner);
      return true;
    });
    expect(seen).toEqual(['owner-a']);
    expect(taken).toMatchObject({ acquired: true, lease: { owner: 'owner-b', pid: 22, program: 'app' }, replaced: { owner: 'owner-a' } });
    expect(caught(() => store.jobs.acquireLease('nope', a, () => true)).code).toBe('not_found');
    store.close();
  });

  it('refuses every write of an owner that lost the lease, and writes nothing', () => {
    const { store, orgId, jobId, leadIds } = setup();
    const a = { owner: 'owner-a', pid: 11, program: 'cli' as const, host: 'h' };
    store.jobs.acquireLease(jobId, a, () => false);
    const writer = store.jobs.leased(jobId, 'owner-a');
    const [item] = writer.pendingAfter(-1, 1);
    expect(writer.renew()).toBe(true);
    store.jobs.acquireLease(jobId, { ...a, owner: 'owner-b' }, () => true);
    expect(writer.renew()).toBe(false);
    const save = () => ({
      resultId: store.forOrg(orgId).sequences.save({ title: 'L0', status: 'draft', steps: STEPS, leadId: leadIds[0] }).id,
      provider: null,
    });
    for (const write of [
      () => writer.complete([{ itemId: expectDefined(item).id, save }]),
      () => writer.failItem(expectDefined(item).id, RATE_LIMITED),
      () => writer.setStatus('paused'),
      () => writer.requeueRunning(),
    ]) {
      const error = caught(write);
      expect(error).toMatchObject({ code: 'conflict', field: 'lease' });
      expect(error.message).toMatch(/Another program took over job/);
    }
    expect(store.forOrg(orgId).sequences.findByLead(expectDefined(leadIds[0]))).toHaveLength(0);
    expect(store.jobs.getItem(expectDefined(item).id)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(store.jobs.get(jobId)?.status).toBe('queued');
    // Releasing a lease that is no longer yours leaves the holder's.
    writer.release();
    expect(store.jobs.lease(jobId)?.owner).toBe('owner-b');
    store.close();
  });

  it('reads pending items in order after a seq, without claiming them', () => {
    const { store, jobId } = setup();
    store.jobs.acquireLease(jobId, { owner: 'o', pid: 1, program: 'cli', host: 'h' }, () => false);
    const writer = store.jobs.leased(jobId, 'o');
    expect(writer.pendingAfter(-1, 2).map((i) => [i.seq, i.status])).toEqual([
      [0, 'pending'],
      [1, 'pending'],
    ]);
    expect(writer.pendingAfter(1, 10).map((i) => i.seq)).toEqual([2, 3, 4]);
    expect(writer.pendingAfter(4, 10)).toEqual([]);
    expect(store.jobs.progress(jobId)).toEqual({ total: 5, done: 0, failed: 0, waiting: 0, pending: 5, running: 0 });
    store.close();
  });

  it('saves results and marks their items done in one commit; a bad result rolls back alone; never twice', () => {
    const { store, orgId, jobId, leadIds } = setup();
    store.jobs.acquireLease(jobId, { owner: 'o', pid: 1, program: 'cli', host: 'h' }, () => false);
    const writer = store.jobs.leased(jobId, 'o');
    const [a, b, c] = writer.pendingAfter(-1, 3);
    const saveFor = (leadId: string, title: string) => () => {
      const sequence = store.forOrg(orgId).sequences.save({ title, status: 'draft', steps: STEPS, leadId, provider: 'groq', model: 'llama' });
      return { resultId: sequence.id, provider: sequence.provider ?? null };
    };
    const failures = writer.complete([
      { itemId: expectDefined(a).id, save: saveFor(expectDefined(leadIds[0]), 'L0') },
      { itemId: expectDefined(b).id, save: saveFor('deleted-lead', 'x') },
      { itemId: expectDefined(c).id, save: saveFor(expectDefined(leadIds[2]), 'L2') },
    ]);
    expect(failures.map((f) => [f.itemId, (f.error as { code: string }).code])).toEqual([[expectDefined(b).id, 'not_found']]);
    expect(store.jobs.getItem(expectDefined(a).id)).toMatchObject({ status: 'done', provider: 'groq', error: null, attempts: 1 });
    expect(store.jobs.getItem(expectDefined(b).id)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(store.forOrg(orgId).sequences.list({ offset: 0, limit: 10 }).total).toBe(2);
    const again = writer.complete([{ itemId: expectDefined(a).id, save: saveFor(expectDefined(leadIds[0]), 'L0 again') }]);
    expect((expectDefined(again[0]).error as { code: string }).code).toBe('conflict');
    expect(store.forOrg(orgId).sequences.findByLead(expectDefined(leadIds[0]))).toHaveLength(1);
    expect(store.jobs.get(jobId)).toMatchObject({ total: 5, done: 2 });
    expect((expectDefined(writer.complete([{ itemId: 'no-item', save: saveFor(expectDefined(leadIds[3]), 'x') }])[0]).error as { code: string }).code).toBe(
      'not_found',
    );
    expect(store.forOrg(orgId).sequences.findByLead(expectDefined(leadIds[3]))).toHaveLength(0);
    store.close();
  });

  it('saves a reply and marks its item done together', () => {
    const store = openStore({ dataDir: tempDir() });
    const { org } = store.orgs.ensureFirstRun();
    const job = store.forOrg(org.id).jobs.create({ kind: 'classify', provider: null, params: { rulesOnly: true }, items: [{ file: 'a.eml' }] });
    store.jobs.acquireLease(job.id, { owner: 'o', pid: 1, program: 'cli', host: 'h' }, () => false);
    const writer = store.jobs.leased(job.id, 'o');
    const [item] = writer.pendingAfter(-1, 1);
    let replyId = '';
    writer.complete([
      {
        itemId: expectDefined(item).id,
        save: () => {
          const reply = store.forOrg(org.id).replies.insert({
            rawText: 'raw',
            parsedText: 'parsed',
            classification: 'bounce',
            confidence: 1,
            reason: 'DSN',
            suggestedAction: 'stop_sequence',
            decidedBy: 'rules',
          });
          replyId = reply.id;
          return { resultId: reply.id, provider: null };
        },
      },
    ]);
    expect(store.jobs.getItem(expectDefined(item).id)).toMatchObject({ status: 'done', resultId: replyId, provider: null });
    expect(store.forOrg(org.id).replies.get(replyId)?.classification).toBe('bounce');
    store.close();
  });

  it('fails, parks and retries items', () => {
    const { store, jobId } = setup();
    store.jobs.acquireLease(jobId, { owner: 'o', pid: 1, program: 'cli', host: 'h' }, () => false);
    const writer = store.jobs.leased(jobId, 'o');
    const [a, b] = writer.pendingAfter(-1, 2);
    writer.failItem(expectDefined(a).id, RATE_LIMITED, { provider: 'openai' });
    writer.failItem(expectDefined(b).id, OFFLINE, { waiting: true });
    expect(store.jobs.getItem(expectDefined(a).id)).toMatchObject({ status: 'failed', error: RATE_LIMITED, provider: 'openai', attempts: 1 });
    expect(store.jobs.getItem(expectDefined(b).id)).toMatchObject({ status: 'waiting', error: OFFLINE });
    expect(store.jobs.progress(jobId)).toEqual({ total: 5, done: 0, failed: 1, waiting: 1, pending: 3, running: 0 });
    expect(store.jobs.items(jobId, { status: 'failed', offset: 0, limit: 10 }).map((i) => i.id)).toEqual([expectDefined(a).id]);

    expect(writer.requeueWaiting()).toBe(1);
    expect(store.jobs.getItem(expectDefined(b).id)).toMatchObject({ status: 'pending', error: OFFLINE });

    expect(writer.retryItem(expectDefined(a).id)).toMatchObject({ status: 'pending', error: null, attempts: 1 });
    expect(caught(() => writer.retryItem(expectDefined(a).id)).code).toBe('conflict');
    expect(caught(() => writer.retryItem('nope')).code).toBe('not_found');
    expect(writer.pendingAfter(-1, 10).map((i) => i.seq)).toEqual([0, 1, 2, 3, 4]);

    writer.complete([{ itemId: expectDefined(a).id, save: () => ({ resultId: 'r', provider: 'openai' }) }]);
    expect(caught(() => writer.failItem(expectDefined(a).id, RATE_LIMITED)).code).toBe('conflict');
    expect(store.jobs.getItem(expectDefined(a).id)?.status).toBe('done');
    store.close();
  });

  it('pauses with a reason, and clears it', () => {
    const { store, jobId } = setup();
    store.jobs.acquireLease(jobId, { owner: 'o', pid: 1, program: 'cli', host: 'h' }, () => false);
    const writer = store.jobs.leased(jobId, 'o');
    const quota: AppErrorData = { code: 'quota_exhausted', message: 'Add credits', retryable: false, provider: 'openai' };
    expect(writer.setStatus('paused', quota)).toMatchObject({ status: 'paused', pauseReason: quota });
    expect(writer.setStatus('running')).toMatchObject({ status: 'running', pauseReason: null });
    expect(caught(() => writer.setStatus('sleeping' as never)).code).toBe('validation');
    store.close();
  });

  it('lists items lean: without the message source, with its size', () => {
    const store = openStore({ dataDir: tempDir() });
    const { org } = store.orgs.ensureFirstRun();
    const sources = ['abc', 'abcd', 'abcde'].map((text) => Buffer.from(text).toString('base64'));
    const job = store.forOrg(org.id).jobs.create({
      kind: 'classify',
      provider: null,
      params: {},
      items: [...sources.map((sourceBase64, i) => ({ name: `m${i}.eml`, sourceBase64 })), { name: 'none.eml' }],
    });
    expect(store.jobs.items(job.id, { offset: 0, limit: 10, lean: true }).map((i) => i.input)).toEqual([
      { name: 'm0.eml', bytes: 3 },
      { name: 'm1.eml', bytes: 4 },
      { name: 'm2.eml', bytes: 5 },
      { name: 'none.eml' },
    ]);
    expect(expectDefined(store.jobs.items(job.id, { offset: 0, limit: 1 })[0]).input).toEqual({ name: 'm0.eml', sourceBase64: sources[0] });
    store.close();
  });

  it('keeps its state and its lease across a reopen', () => {
    const { store, jobId } = setup();
    store.jobs.acquireLease(jobId, { owner: 'o', pid: 1, program: 'cli', host: 'h' }, () => false);
    const writer = store.jobs.leased(jobId, 'o');
    const [item] = writer.pendingAfter(-1, 1);
    writer.failItem(expectDefined(item).id, RATE_LIMITED);
    const dataDir = store.path.replace(/[/\\][^/\\]+$/, '');
    store.close();
    const reopened = openStore({ dataDir });
    expect(reopened.jobs.progress(jobId)).toMatchObject({ failed: 1, pending: 4 });
    expect(reopened.jobs.lease(jobId)).toMatchObject({ owner: 'o', pid: 1, program: 'cli' });
    reopened.close();
  });
});
