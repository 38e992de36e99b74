import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, MemorySecretStore, silentLogger } from '../../electron/core';
import { openStore } from '../../electron/core/storage';
import { startFakeProvider, type FakeProvider } from '../fakes/fake-provider';
import { CLI_BIN, cleanEnv, runCli } from '../helpers/run-cli';
import { expectDefined } from '../helpers/expect-defined';

const LEADS = 200;
const CONCURRENCY = 4;

describe('one job, one process: a second runner refuses naming the holder; after SIGKILL, resume makes every lead exactly one sequence', () => {
  let fake: FakeProvider;
  let dir: string;
  let dataDir: string;
  const env = () => ({ OPENAI_API_KEY: 'sk-resume-test-000000000000' });

  beforeAll(async () => {
    fake = await startFakeProvider('openai', { latencyMs: 40 });
    dir = mkdtempSync(join(tmpdir(), 'outreach-resume-'));
    dataDir = join(dir, 'data');
    const rows = Array.from({ length: LEADS }, (_, i) => `Lead${i};Person${i};lead${i}@example.com;Company ${i % 17}`);
    writeFileSync(join(dir, 'leads.csv'), `\ufeffFirst name;Last name;Email;Company\n${rows.join('\n')}\n`);
    writeFileSync(join(dir, 'business.json'), JSON.stringify({ companyName: 'Acme', valueProposition: 'Meetings that matter.', senderName: 'Sam' }));
    const set = await runCli(['--data-dir', dataDir, 'settings', 'set', 'provider=openai', `baseUrl.openai=${fake.baseURLFor('openai')}`], { env: env() });
    expect(set.code, set.stderr).toBe(0);
  });

  afterAll(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a second CLI and the host while the first runs, then kills the first, resumes, and ends with 200 sequences, no duplicates, usage counted once', async () => {
    const out = join(dir, 'out.csv');
    const child = spawn(
      process.execPath,
      [
        CLI_BIN,
        '--data-dir',
        dataDir,
        'batch',
        'generate',
        '--leads',
        join(dir, 'leads.csv'),
        '--business',
        join(dir, 'business.json'),
        '--out',
        out,
        '--concurrency',
        String(CONCURRENCY),
      ],
      {
        env: cleanEnv(env()),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal === 'SIGKILL' ? -9 : _code)));
    await fake.waitForCalls(LEADS / 10);
    // The vendor stops answering: the first run holds its job, its calls in flight, while others try.
    fake.setLatency(600_000);

    const listed = await runCli(['--data-dir', dataDir, '--json', 'jobs', 'list'], { env: env() });
    const job = JSON.parse(listed.stdout).jobs[0] as { id: string; status: string; done: number };
    expect(job.status).toBe('running');

    // A second process: the CLI's resume and cancel are refused at once, naming the holder, and change nothing.
    const holder = new RegExp(
      `error\\[conflict\\]: Job ${job.id} is already running in the CLI \\(pid ${child.pid}\\) since \\d\\d:\\d\\d\\. Nothing was changed`,
    );
    for (const action of ['resume', 'cancel']) {
      const second = await runCli(['--data-dir', dataDir, 'jobs', action, job.id], { env: env() });
      expect(second.code, second.stderr).toBe(1);
      expect(second.stderr).toMatch(holder);
    }
    // The app's and the host's Resume button go through the same handler: refused the same way.
    const host = await createCore({ dataDir, secrets: new MemorySecretStore(), env: {}, logger: silentLogger, program: 'host' });
    try {
      const viaHost = await host.dispatch('jobs:resume', { id: job.id }, { emit: () => {} });
      expect(viaHost.ok).toBe(false);
      expect(viaHost.ok ? '' : viaHost.error.message).toMatch(new RegExp(`is already running in the CLI \\(pid ${child.pid}\\)`));
      const seen = await host.dispatch('jobs:get', { id: job.id, limit: 1 }, { emit: () => {} });
      expect(seen.ok && seen.value).toMatchObject({ job: { status: 'running' }, holder: { pid: child.pid, program: 'cli', live: true, self: false } });
    } finally {
      host.close();
    }

    child.kill('SIGKILL');
    expect(await exited).toBe(-9);
    const callsAtKill = fake.calls.filter((c) => c.route === 'generate').length;
    expect(callsAtKill).toBeLessThan(LEADS);
    const afterKill = openStore({ dataDir });
    try {
      expect(afterKill.jobs.get(job.id)?.status).toBe('running');
      expect(afterKill.jobs.lease(job.id)).toMatchObject({ pid: child.pid, program: 'cli' });
    } finally {
      afterKill.close();
    }

    // The holder is gone (its pid no longer exists): the next resume takes the job over.
    fake.setLatency(40);
    const resumed = await runCli(['--data-dir', dataDir, 'jobs', 'resume', job.id], { env: env() });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`${LEADS} done, 0 failed of ${LEADS}`);

    const store = openStore({ dataDir });
    try {
      const data = store.forOrg(expectDefined(store.orgs.getDefault()).id);
      const leads = data.leads.list({ offset: 0, limit: 1000 });
      expect(leads.total).toBe(LEADS);
      for (const lead of leads.items) expect(data.sequences.findByLead(lead.id), lead.email).toHaveLength(1);
      const calls = fake.calls.filter((c) => c.route === 'generate').length;
      const usage = data.usage.rows();
      // Every answered call has its row; only calls cut off by the kill (at most one per worker) have none.
      expect(usage.length).toBeLessThanOrEqual(calls);
      expect(calls - usage.length).toBeLessThanOrEqual(CONCURRENCY);
      expect(new Set(usage.map((u) => u.id)).size).toBe(usage.length);
      const ok = usage.filter((u) => u.outcome === 'ok').length;
      expect(ok).toBeGreaterThanOrEqual(LEADS);
      expect(ok - LEADS).toBeLessThanOrEqual(CONCURRENCY);
      expect(store.integrityCheck()).toEqual(['ok']);
      expect(store.jobs.lease(job.id)).toBeNull();
    } finally {
      store.close();
    }
    const csv = readFileSync(out, 'utf8').trim().split(/\r?\n/);
    expect(csv).toHaveLength(LEADS + 1);
    expect(csv[0]).toContain('step_1_body');
  }, 300_000);
});

const MESSAGES = 8000;

/**
 * Bounces (the rules decide them, committed in batches), and one human reply at the end, which
 * only the model can classify: while the vendor does not answer, the job cannot end, so the test
 * kills it part way however fast the machine runs the rules.
 */
function writeInbox(file: string): void {
  const parts: string[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    const envelope = `From sender${i}@example.com Tue Mar  4 09:${String(i % 60).padStart(2, '0')}:00 2025`;
    const message =
      i < MESSAGES - 1
        ? `From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\nTo: rep@seller.example\nSubject: Undelivered Mail Returned to Sender\nMessage-ID: <dsn-${i}@mx.example.net>\nContent-Type: multipart/report; report-type=delivery-status; boundary="b${i}"\n\n--b${i}\nContent-Type: text/plain\n\nYour message could not be delivered.\n--b${i}\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; gone${i}@prospect.example\nAction: failed\nStatus: 5.1.1\n--b${i}--\n`
        : `From: Dana ${i} <dana${i}@prospect.example>\nTo: rep@seller.example\nSubject: Re: Quick question ${i}\nMessage-ID: <reply-${i}@prospect.example>\nContent-Type: text/plain; charset=utf-8\n\nThanks, reply ${i}: can we talk on Thursday?\n`;
    parts.push(`${envelope}\n${message}\n`);
  }
  writeFileSync(file, parts.join(''));
}

describe('classify: a kill -9 loses at most the uncommitted batch of rule-settled items, which the resume redoes', () => {
  let dir: string;
  let fake: FakeProvider;
  const env = () => ({ OPENAI_API_KEY: 'sk-classify-kill-000000000000' });
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'outreach-classify-kill-'));
    fake = await startFakeProvider('openai', { latencyMs: 0 });
  });
  afterAll(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('kills a CLI mid-run, finds every committed item with its reply, resumes, and ends with exactly one reply per message', async () => {
    const dataDir = join(dir, 'data');
    const inbox = join(dir, 'inbox.mbox');
    const out = join(dir, 'results.csv');
    writeInbox(inbox);
    const set = await runCli(['--data-dir', dataDir, 'settings', 'set', 'provider=openai', `baseUrl.openai=${fake.baseURLFor('openai')}`], { env: env() });
    expect(set.code, set.stderr).toBe(0);
    // The vendor does not answer during the first run: the last message keeps the job running.
    fake.setLatency(600_000);
    const child = spawn(process.execPath, [CLI_BIN, '--data-dir', dataDir, 'batch', 'classify', '--in', inbox, '--out', out], {
      env: cleanEnv(env()),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal === 'SIGKILL' ? -9 : code)));
    // The progress lines (every 2 s off a terminal) count committed items: kill at the first that is part way.
    const shown = await new Promise<number>((resolve, reject) => {
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
        for (const [, done] of stderr.matchAll(/\] (\d+)\/(\d+)/g)) {
          if (Number(done) > 0 && Number(done) < MESSAGES) {
            child.kill('SIGKILL');
            resolve(Number(done));
            return;
          }
        }
      });
      child.on('exit', () => reject(new Error(`the run ended before it could be killed part way:\n${stderr}`)));
    });
    expect(await exited).toBe(-9);

    const store = openStore({ dataDir });
    let jobId: string;
    try {
      const data = store.forOrg(expectDefined(store.orgs.getDefault()).id);
      const [job] = data.jobs.list();
      jobId = expectDefined(job).id;
      expect(job).toMatchObject({ status: 'running', total: MESSAGES });
      const counts = store.jobs.progress(jobId);
      // Nothing a progress line showed was lost; what was not committed is still pending.
      expect(counts.done).toBeGreaterThanOrEqual(shown);
      expect(counts).toMatchObject({ failed: 0, running: 0 });
      expect(counts.pending).toBe(MESSAGES - counts.done);
      // Each committed item has its reply, and no reply was committed without its item.
      const replies = data.replies.list({ offset: 0, limit: 1 }).total;
      expect(replies).toBe(counts.done);
      expect(store.integrityCheck()).toEqual(['ok']);
    } finally {
      store.close();
    }

    fake.setLatency(0);
    const resumed = await runCli(['--data-dir', dataDir, 'jobs', 'resume', jobId], { env: env() });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`${MESSAGES} done, 0 failed of ${MESSAGES}`);

    const after = openStore({ dataDir });
    try {
      const data = after.forOrg(expectDefined(after.orgs.getDefault()).id);
      const items = after.jobs.items(jobId, { offset: 0, limit: MESSAGES + 1 });
      const resultIds = items.map((item) => item.resultId);
      expect(resultIds.every((id) => id !== null)).toBe(true);
      expect(new Set(resultIds).size).toBe(MESSAGES);
      // The items lost with the open batch were redone, not stored twice.
      expect(data.replies.list({ offset: 0, limit: 1 }).total).toBe(MESSAGES);
      expect(data.replies.list({ classification: 'bounce', offset: 0, limit: 1 }).total).toBe(MESSAGES - 1);
      expect(after.jobs.lease(jobId)).toBeNull();
    } finally {
      after.close();
    }
    // The resume wrote the results file the first run was asked for, one row per message.
    expect(readFileSync(out, 'utf8').trim().split(/\r?\n/)).toHaveLength(MESSAGES + 1);
  }, 600_000);
});
