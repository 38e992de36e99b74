import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../fakes/fake-provider';
import { runCli } from '../helpers/run-cli';
import { corpusPath } from '../replies/corpus';
import { expectDefined } from '../helpers/expect-defined';

// Beside the repository, or where REPLY_CORPUS says (as the corpus score test and the bench read it).
const CORPUS = corpusPath;
const HAS_CORPUS = existsSync(CORPUS);
if (!HAS_CORPUS) process.stdout.write(`skipped: reply corpus not found at ${CORPUS} (batch classify CLI tests)\n`);

describe.skipIf(!HAS_CORPUS)('batch classify: a folder of .eml files or an mbox, rules first', () => {
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
    // Every row names its file and message, in the folder's order.
    const files = readdirSync(join(dir, 'inbox')).sort();
    expect(rows.map((r) => r.file)).toEqual(files);
    expect(rows.map((r) => r.item)).toEqual(files.map((_, i) => String(i + 1)));
    expect(rows.every((r) => r.status === 'done' && r.mboxIndex === '' && r.errorCode === '')).toBe(true);
    const withId = files.filter((f) => /^message-id:/im.test(expectDefined(readFileSync(join(dir, 'inbox', f), 'latin1').split(/\r?\n\r?\n/)[0])));
    expect(withId.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.messageId !== '', r.file).toBe(withId.includes(expectDefined(r.file)));
    expect(rows.filter((r) => r.classification === 'bounce').length).toBeGreaterThanOrEqual(6);
    expect(rows.filter((r) => r.classification === 'out_of_office').length).toBeGreaterThanOrEqual(6);
    expect(rows.filter((r) => r.decidedBy === 'undecided').length).toBeGreaterThan(0);
  });

  it('sends only what the rules cannot decide to the model', async () => {
    const out = join(dir, 'all.csv');
    const run = await runCli(['--data-dir', dataDir, 'batch', 'classify', '--in', join(dir, 'inbox'), '--out', out], { env });
    expect(run.code, run.stderr).toBe(0);
    const rows = Papa.parse<Record<string, string>>(readFileSync(out, 'utf8').trim(), { header: true }).data;
    const byModel = rows.filter((r) => r.decidedBy === 'model').length;
    expect(byModel).toBeGreaterThan(0);
    expect(fake.calls.filter((c) => c.route === 'generate')).toHaveLength(byModel);
    expect(rows.every((r) => r.decidedBy !== 'undecided')).toBe(true);
  });

  it('reads an mbox whose last message is cut off: per-item error, no crash, the rest classified', async () => {
    const messages = readdirSync(join(CORPUS, 'bounce'))
      .slice(0, 3)
      .map((n) => readFileSync(join(CORPUS, 'bounce', n), 'latin1'));
    const mbox =
      messages.map((m) => `From MAILER-DAEMON Thu Nov 26 10:00:00 2026\n${m.replace(/\r\n/g, '\n').replace(/^From /gm, '>From ')}\n`).join('') +
      'From broken@example.com Thu Nov 26 10:00:00 2026\nContent-Type: multipart/mixed; boundary="zz"\nSubject: cut\n\n--zz\nContent-Type: text/pl';
    writeFileSync(join(dir, 'inbox.mbox'), mbox, 'latin1');
    const out = join(dir, 'mbox.csv');
    const run = await runCli(['--data-dir', dataDir, 'batch', 'classify', '--in', join(dir, 'inbox.mbox'), '--out', out, '--rules-only'], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/of 4\./);
    // The damaged message is a row too: the results line up with the mbox's messages.
    const rows = Papa.parse<Record<string, string>>(readFileSync(out, 'utf8').trim(), { header: true }).data;
    expect(rows.map((r) => [r.item, r.file, r.mboxIndex, r.status])).toEqual([
      ['1', 'inbox.mbox', '1', 'done'],
      ['2', 'inbox.mbox', '2', 'done'],
      ['3', 'inbox.mbox', '3', 'done'],
      ['4', 'inbox.mbox', '4', 'failed'],
    ]);
    expect(rows.slice(0, 3).map((r) => r.classification)).toEqual(['bounce', 'bounce', 'bounce']);
    expect(rows[3]).toMatchObject({ errorCode: 'validation', classification: '', replyId: '' });
    expect(expectDefined(rows[3]).error).toMatch(/This message is damaged/);
    const summary = expectDefined(/(\d+) done, (\d+) failed of 4/.exec(run.stderr));
    expect(summary.slice(1)).toEqual(['3', '1']);
    expect(run.stderr).toMatch(/item 4 \(inbox\.mbox#4\): error\[validation\]: This message is damaged \(.+\): export it again/);
  });

  it('lists every failure, past the 500th, in the CLI and the results file', async () => {
    const broken = join(dir, 'broken');
    mkdirSync(broken);
    const count = 510;
    for (let i = 0; i < count; i++) {
      writeFileSync(
        join(broken, `m${String(i).padStart(4, '0')}.eml`),
        `From: x${i}@example.com\nMessage-ID: <m${i}@example.com>\nContent-Type: multipart/mixed; boundary="zz"\nSubject: cut ${i}\n\n--zz\nContent-Type: text/pl`,
      );
    }
    const out = join(dir, 'broken.csv');
    const run = await runCli(['--data-dir', dataDir, 'batch', 'classify', '--in', broken, '--out', out, '--rules-only'], { env });
    expect(run.stderr).toContain(`0 done, ${count} failed of ${count}`);
    const listed = run.stderr.split('\n').filter((line) => /^ {2}item \d+ \(m\d{4}\.eml\): error\[validation\]/.test(line));
    expect(listed).toHaveLength(count);
    expect(listed.at(-1)).toMatch(/^ {2}item 510 \(m0509\.eml\)/);
    const rows = Papa.parse<Record<string, string>>(readFileSync(out, 'utf8').trim(), { header: true }).data;
    expect(rows).toHaveLength(count);
    expect(rows.every((r, i) => r.status === 'failed' && r.messageId === `<m${i}@example.com>`)).toBe(true);
  }, 120_000);

  it('reads nested folders with --recursive; without it, a folder of folders says so and names --recursive', async () => {
    const tree = join(dir, 'tree');
    mkdirSync(join(tree, '2026', '06'), { recursive: true });
    mkdirSync(join(tree, 'other'), { recursive: true });
    const bounces = readdirSync(join(CORPUS, 'bounce')).slice(0, 3);
    copyFileSync(join(CORPUS, 'bounce', expectDefined(bounces[0])), join(tree, '2026', '06', 'a.eml'));
    copyFileSync(join(CORPUS, 'bounce', expectDefined(bounces[1])), join(tree, '2026', 'b.eml'));
    copyFileSync(join(CORPUS, 'bounce', expectDefined(bounces[2])), join(tree, 'other', 'c.eml'));
    const flat = await runCli(['--data-dir', dataDir, 'batch', 'classify', '--in', tree, '--out', join(dir, 'tree.csv'), '--rules-only'], { env });
    expect(flat.code).toBe(1);
    expect(flat.stderr).toMatch(
      /error\[validation\]: The folder .*tree holds no \.eml or \.mbox files, only 2 folders \(2026, other\)\. Add --recursive to read the folders inside it\./,
    );
    const out = join(dir, 'tree.csv');
    const deep = await runCli(['--data-dir', dataDir, 'batch', 'classify', '--in', tree, '--out', out, '--rules-only', '--recursive'], { env });
    expect(deep.code, deep.stderr).toBe(0);
    const rows = Papa.parse<Record<string, string>>(readFileSync(out, 'utf8').trim(), { header: true }).data;
    expect(rows.map((r) => [r.file, r.classification])).toEqual([
      ['2026/b.eml', 'bounce'],
      ['2026/06/a.eml', 'bounce'],
      ['other/c.eml', 'bounce'],
    ]);
  }, 120_000);

  it('names the fix for a missing input', async () => {
    const run = await runCli(['--data-dir', dataDir, 'batch', 'classify', '--in', join(dir, 'nowhere'), '--out', join(dir, 'x.csv')], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/error\[validation\]: Cannot read .*folder of \.eml files or an mbox/);
  });
});
