import { describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../electron/core/storage';
import type { AppErrorData } from '../../shared/domain/errors';
import type { SequenceStep } from '../../shared/domain/sequence';
import { caught } from '../helpers/caught';
import { tempDir } from './temp-dir';

const STEPS: SequenceStep[] = [{ step: 1, delay_days: 0, channel: 'email', subject: 'Hi', body: 'Hello' }];
const RATE_LIMITED: AppErrorData = { code: 'rate_limited', message: 'Slow down', retryable: true, provider: 'openai', retryAfterMs: 1000 };
const OFFLINE: AppErrorData = { code: 'offline', message: 'No network', retryable: true };

function setup(count = 5): { store: Store; orgId: string; jobId: string; leadIds: string[] } {
  const store = openStore({ dataDir: tempDir() });
  const { org } = store.orgs.ensureFirstRun();
  const leadIds = store.leads.importMany(org.id, Array.from({ length: count }, (_, i) => ({ firstName: `L${i}` })));
  const job = store.jobs.create({ orgId: org.id, kind: 'generate', provider: 'openai', params: { businessProfileId: 'p1' }, items: leadIds.map((leadId) => ({ leadId })) });
  return { store, orgId: org.id, jobId: job.id, leadIds };
}

describe('jobs', () => {
  it('creates a job with its items and lists it', () => {
    const { store, orgId, jobId, leadIds } = setup();
    const job = store.jobs.get(jobId)!;
    expect(job).toMatchObject({ orgId, kind: 'generate', status: 'queued', provider: 'openai', params: { businessProfileId: 'p1' }, total: 5, done: 0, failed: 0, pauseReason: null });
    expect(store.jobs.list(orgId).map((j) => j.id)).toEqual([jobId]);
    const items = store.jobs.items(jobId, { offset: 0, limit: 10 });
    expect(items.map((i) => [i.seq, i.status, i.input.leadId, i.attempts])).toEqual(leadIds.map((id, seq) => [seq, 'pending', id, 0]));
    expect(caught(() => store.jobs.create({ orgId, kind: 'nope' as never, provider: null, params: {}, items: [] })).code).toBe('validation');
    expect(store.jobs.list(orgId)).toHaveLength(1);
    store.close();
  });

  it('claims pending items in order, once each', () => {
    const { store, jobId } = setup();
    const first = store.jobs.claimPending(jobId, 2);
    expect(first.map((i) => [i.seq, i.status, i.attempts])).toEqual([[0, 'running', 1], [1, 'running', 1]]);
    expect(store.jobs.claimPending(jobId, 10).map((i) => i.seq)).toEqual([2, 3, 4]);
    expect(store.jobs.claimPending(jobId, 10)).toEqual([]);
    expect(store.jobs.progress(jobId)).toEqual({ total: 5, done: 0, failed: 0, waiting: 0, pending: 0, running: 5 });
    store.close();
  });

  it('saves a sequence and marks its item done together, and never twice', () => {
    const { store, orgId, jobId, leadIds } = setup();
    const [item] = store.jobs.claimPending(jobId, 1);
    const sequence = store.jobs.completeWithSequence(item!.id, orgId, { title: 'L0', status: 'draft', steps: STEPS, leadId: leadIds[0], provider: 'groq', model: 'llama' });
    expect(store.jobs.getItem(item!.id)).toMatchObject({ status: 'done', resultId: sequence.id, provider: 'groq', error: null });
    const again = caught(() => store.jobs.completeWithSequence(item!.id, orgId, { title: 'L0 again', status: 'draft', steps: STEPS, leadId: leadIds[0] }));
    expect(again.code).toBe('conflict');
    expect(store.sequences.findByLead(leadIds[0]!)).toHaveLength(1);
    expect(store.jobs.get(jobId)).toMatchObject({ total: 5, done: 1 });
    store.close();
  });

  it('leaves the item running when its sequence cannot be saved', () => {
    const { store, orgId, jobId } = setup();
    const [item] = store.jobs.claimPending(jobId, 1);
    const error = caught(() => store.jobs.completeWithSequence(item!.id, orgId, { title: 'x', status: 'draft', steps: STEPS, leadId: 'deleted-lead' }));
    expect(error.code).toBe('validation');
    expect(store.jobs.getItem(item!.id)?.status).toBe('running');
    expect(store.sequences.list(orgId, { offset: 0, limit: 10 }).total).toBe(0);
    expect(caught(() => store.jobs.completeWithSequence('no-item', orgId, { title: 'x', status: 'draft', steps: STEPS })).code).toBe('not_found');
    expect(store.sequences.list(orgId, { offset: 0, limit: 10 }).total).toBe(0);
    store.close();
  });

  it('saves a reply and marks its item done together', () => {
    const store = openStore({ dataDir: tempDir() });
    const { org } = store.orgs.ensureFirstRun();
    const job = store.jobs.create({ orgId: org.id, kind: 'classify', provider: null, params: { rulesOnly: true }, items: [{ file: 'a.eml' }] });
    const [item] = store.jobs.claimPending(job.id, 1);
    const reply = store.jobs.completeWithReply(item!.id, org.id, {
      rawText: 'raw', parsedText: 'parsed', classification: 'bounce', confidence: 1, reason: 'DSN', suggestedAction: 'stop_sequence', decidedBy: 'rules',
    });
    expect(store.jobs.getItem(item!.id)).toMatchObject({ status: 'done', resultId: reply.id, provider: null });
    expect(store.replies.get(reply.id)?.classification).toBe('bounce');
    store.close();
  });

  it('fails, parks and retries items; requeues running ones after a crash', () => {
    const { store, jobId } = setup();
    const [a, b, c] = store.jobs.claimPending(jobId, 3);
    store.jobs.failItem(a!.id, RATE_LIMITED, { provider: 'openai' });
    store.jobs.failItem(b!.id, OFFLINE, { waiting: true });
    expect(store.jobs.getItem(a!.id)).toMatchObject({ status: 'failed', error: RATE_LIMITED, provider: 'openai' });
    expect(store.jobs.getItem(b!.id)).toMatchObject({ status: 'waiting', error: OFFLINE });
    expect(store.jobs.progress(jobId)).toEqual({ total: 5, done: 0, failed: 1, waiting: 1, pending: 2, running: 1 });
    expect(store.jobs.items(jobId, { status: 'failed', offset: 0, limit: 10 }).map((i) => i.id)).toEqual([a!.id]);

    expect(store.jobs.requeueRunning(jobId)).toBe(1);
    expect(store.jobs.getItem(c!.id)?.status).toBe('pending');
    expect(store.jobs.requeueWaiting(jobId)).toBe(1);
    expect(store.jobs.getItem(b!.id)).toMatchObject({ status: 'pending', error: OFFLINE });

    expect(store.jobs.retryItem(a!.id)).toMatchObject({ status: 'pending', error: null, attempts: 1 });
    expect(caught(() => store.jobs.retryItem(a!.id)).code).toBe('conflict');
    expect(caught(() => store.jobs.retryItem('nope')).code).toBe('not_found');
    expect(store.jobs.claimPending(jobId, 10).map((i) => [i.seq, i.attempts])).toEqual([[0, 2], [1, 2], [2, 2], [3, 1], [4, 1]]);

    store.jobs.completeItem(a!.id, { resultId: 'r', provider: 'openai' });
    expect(caught(() => store.jobs.failItem(a!.id, RATE_LIMITED)).code).toBe('conflict');
    expect(store.jobs.getItem(a!.id)?.status).toBe('done');
    store.close();
  });

  it('pauses with a reason, and clears it', () => {
    const { store, jobId } = setup();
    const quota: AppErrorData = { code: 'quota_exhausted', message: 'Add credits', retryable: false, provider: 'openai' };
    expect(store.jobs.setStatus(jobId, 'paused', quota)).toMatchObject({ status: 'paused', pauseReason: quota });
    expect(store.jobs.setStatus(jobId, 'running')).toMatchObject({ status: 'running', pauseReason: null });
    expect(caught(() => store.jobs.setStatus(jobId, 'sleeping' as never)).code).toBe('validation');
    expect(caught(() => store.jobs.setStatus('nope', 'running')).code).toBe('not_found');
    store.close();
  });

  it('keeps its state across a reopen', () => {
    const { store, jobId } = setup();
    store.jobs.claimPending(jobId, 2);
    const dataDir = store.path.replace(/[/\\][^/\\]+$/, '');
    store.close();
    const reopened = openStore({ dataDir });
    expect(reopened.jobs.progress(jobId)).toMatchObject({ running: 2, pending: 3 });
    expect(reopened.jobs.requeueRunning(jobId)).toBe(2);
    reopened.close();
  });
});
