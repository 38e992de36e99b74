import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, MemorySecretStore, silentLogger } from '../../electron/core';
import { openStore } from '../../electron/core/storage';
import { startFakeProvider, type FakeProvider } from '../fakes/fake-provider';
import { CLI_BIN, cleanEnv, runCli } from '../helpers/run-cli';

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
    writeFileSync(join(dir, 'leads.csv'), '\ufeffFirst name;Last name;Email;Company\n' + rows.join('\n') + '\n');
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
    const child = spawn(process.execPath, [CLI_BIN, '--data-dir', dataDir, 'batch', 'generate', '--leads', join(dir, 'leads.csv'), '--business', join(dir, 'business.json'), '--out', out, '--concurrency', String(CONCURRENCY)], {
      env: cleanEnv(env()),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal === 'SIGKILL' ? -9 : _code)));
    await fake.waitForCalls(LEADS / 10);
    // The vendor stops answering: the first run holds its job, its calls in flight, while others try.
    fake.setLatency(600_000);

    const listed = await runCli(['--data-dir', dataDir, '--json', 'jobs', 'list'], { env: env() });
    const job = JSON.parse(listed.stdout).jobs[0] as { id: string; status: string; done: number };
    expect(job.status).toBe('running');

    // A second process: the CLI's resume and cancel are refused at once, naming the holder, and change nothing.
    const holder = new RegExp(`error\\[conflict\\]: Job ${job.id} is already running in the CLI \\(pid ${child.pid}\\) since \\d\\d:\\d\\d\\. Nothing was changed`);
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
      const data = store.forOrg(store.orgs.getDefault()!.id);
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
