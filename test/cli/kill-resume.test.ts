import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../electron/core/storage';
import { startFakeProvider, type FakeProvider } from '../fakes/fake-provider';
import { CLI_BIN, cleanEnv, runCli } from '../helpers/run-cli';

const LEADS = 200;
const CONCURRENCY = 4;

describe('batch generate survives SIGKILL: resume makes every lead exactly one sequence', () => {
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

  it('kills the CLI mid-job, resumes it, and ends with 200 sequences, no duplicates, usage counted once', async () => {
    const out = join(dir, 'out.csv');
    const child = spawn(process.execPath, [CLI_BIN, '--data-dir', dataDir, 'batch', 'generate', '--leads', join(dir, 'leads.csv'), '--business', join(dir, 'business.json'), '--out', out, '--concurrency', String(CONCURRENCY)], {
      env: cleanEnv(env()),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal === 'SIGKILL' ? -9 : _code)));
    await fake.waitForCalls(LEADS / 3);
    child.kill('SIGKILL');
    expect(await exited).toBe(-9);
    const callsAtKill = fake.calls.filter((c) => c.route === 'generate').length;
    expect(callsAtKill).toBeLessThan(LEADS);

    const listed = await runCli(['--data-dir', dataDir, '--json', 'jobs', 'list'], { env: env() });
    const job = JSON.parse(listed.stdout).jobs[0] as { id: string; status: string; done: number };
    expect(job.status).toBe('running');
    expect(job.done).toBeLessThan(LEADS);

    const resumed = await runCli(['--data-dir', dataDir, 'jobs', 'resume', job.id], { env: env() });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`${LEADS} done, 0 failed of ${LEADS}`);

    const store = openStore({ dataDir });
    try {
      const leads = store.leads.list(store.orgs.getDefault()!.id, { offset: 0, limit: 1000 });
      expect(leads.total).toBe(LEADS);
      for (const lead of leads.items) expect(store.sequences.findByLead(lead.id), lead.email).toHaveLength(1);
      const calls = fake.calls.filter((c) => c.route === 'generate').length;
      const usage = store.usage.rows(store.orgs.getDefault()!.id);
      // Every answered call has its row; only calls cut off by the kill (at most one per worker) have none.
      expect(usage.length).toBeLessThanOrEqual(calls);
      expect(calls - usage.length).toBeLessThanOrEqual(CONCURRENCY);
      expect(new Set(usage.map((u) => u.id)).size).toBe(usage.length);
      const ok = usage.filter((u) => u.outcome === 'ok').length;
      expect(ok).toBeGreaterThanOrEqual(LEADS);
      expect(ok - LEADS).toBeLessThanOrEqual(CONCURRENCY);
      expect(store.integrityCheck()).toEqual(['ok']);
    } finally {
      store.close();
    }
    const csv = readFileSync(out, 'utf8').trim().split(/\r?\n/);
    expect(csv).toHaveLength(LEADS + 1);
    expect(csv[0]).toContain('step_1_body');
  });
});
