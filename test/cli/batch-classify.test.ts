import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../fakes/fake-provider';
import { REPO_ROOT, runCli } from '../helpers/run-cli';

const CORPUS = join(REPO_ROOT, '..', 'shared', 'corpus', 'replies');

describe('batch classify: a folder of .eml files or an mbox, rules first', () => {
  let fake: FakeProvider;
  let dir: string;
  let dataDir: string;
  const env = { OPENAI_API_KEY: 'sk-batch-classify-0000000000' };

  beforeAll(async () => {
    fake = await startFakeProvider('openai');
    dir = mkdtempSync(join(tmpdir(), 'outreach-classify-'));
    dataDir = join(dir, 'data');
    mkdirSync(join(dir, 'inbox'));
    for (const folder of ['bounce', 'out_of_office', 'human']) {
      for (const name of readdirSync(join(CORPUS, folder)).slice(0, 6)) copyFileSync(join(CORPUS, folder, name), join(dir, 'inbox', `${folder}-${name}`));
    }
    const set = await runCli(['--data-dir', dataDir, 'settings', 'set', 'provider=openai', `baseUrl.openai=${fake.baseURLFor('openai')}`], { env });
    expect(set.code, set.stderr).toBe(0);
  });

  afterAll(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--rules-only decides machine mail with no model call and marks the rest undecided', async () => {
    const out = join(dir, 'rules.csv');
    const run = await runCli(['--data-dir', dataDir, 'batch', 'classify', '--in', join(dir, 'inbox'), '--out', out, '--rules-only'], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(fake.calls).toHaveLength(0);
    const rows = Papa.parse<Record<string, string>>(readFileSync(out, 'utf8').trim(), { header: true }).data;
    expect(rows).toHaveLength(18);
    expect(rows.filter((r) => r['classification'] === 'bounce').length).toBeGreaterThanOrEqual(6);
    expect(rows.filter((r) => r['classification'] === 'out_of_office').length).toBeGreaterThanOrEqual(6);
    expect(rows.filter((r) => r['decidedBy'] === 'undecided').length).toBeGreaterThan(0);
  });

  it('sends only what the rules cannot decide to the model', async () => {
    const out = join(dir, 'all.csv');
    const run = await runCli(['--data-dir', dataDir, 'batch', 'classify', '--in', join(dir, 'inbox'), '--out', out], { env });
    expect(run.code, run.stderr).toBe(0);
    const rows = Papa.parse<Record<string, string>>(readFileSync(out, 'utf8').trim(), { header: true }).data;
    const byModel = rows.filter((r) => r['decidedBy'] === 'model').length;
    expect(byModel).toBeGreaterThan(0);
    expect(fake.calls.filter((c) => c.route === 'generate')).toHaveLength(byModel);
    expect(rows.every((r) => r['decidedBy'] !== 'undecided')).toBe(true);
  });

  it('reads an mbox whose last message is cut off: per-item error, no crash, the rest classified', async () => {
    const messages = readdirSync(join(CORPUS, 'bounce')).slice(0, 3).map((n) => readFileSync(join(CORPUS, 'bounce', n), 'latin1'));
    const mbox =
      messages.map((m) => `From MAILER-DAEMON Thu Nov 26 10:00:00 2026\n${m.replace(/\r\n/g, '\n').replace(/^From /gm, '>From ')}\n`).join('') +
      'From broken@example.com Thu Nov 26 10:00:00 2026\nContent-Type: multipart/mixed; boundary="zz"\nSubject: cut\n\n--zz\nContent-Type: text/pl';
    writeFileSync(join(dir, 'inbox.mbox'), mbox, 'latin1');
    const out = join(dir, 'mbox.csv');
    const run = await runCli(['--data-dir', dataDir, 'batch', 'classify', '--in', join(dir, 'inbox.mbox'), '--out', out, '--rules-only'], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/of 4\./);
    const rows = Papa.parse<Record<string, string>>(readFileSync(out, 'utf8').trim(), { header: true }).data;
    expect(rows).toHaveLength(3);
    expect(rows.filter((r) => r['classification'] === 'bounce')).toHaveLength(3);
    const summary = /(\d+) done, (\d+) failed of 4/.exec(run.stderr)!;
    expect(Number(summary[1]) + Number(summary[2])).toBe(4);
    expect(summary.slice(1)).toEqual(['3', '1']);
    expect(run.stderr).toMatch(/item 4: error\[validation\]: This message is damaged \(.+\): export it again/);
  });

  it('names the fix for a missing input', async () => {
    const run = await runCli(['--data-dir', dataDir, 'batch', 'classify', '--in', join(dir, 'nowhere'), '--out', join(dir, 'x.csv')], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/error\[validation\]: Cannot read .*folder of \.eml files or an mbox/);
  });
});
