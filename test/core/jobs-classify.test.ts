import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../electron/core';
import { startCoreFixture, type CoreFixture } from '../helpers/core-fixture';
import { uploadBytes } from '../helpers/upload';
import { REPO_ROOT } from '../helpers/run-cli';
import { expectDefined } from '../helpers/expect-defined';

const CORPUS = join(REPO_ROOT, '..', 'shared', 'corpus', 'replies');
/** The corpus is only on the project's own machines; a user's clone has none, and the test that reads it skips. */
const CORPUS_FOUND = existsSync(join(CORPUS, 'labels.csv'));
if (!CORPUS_FOUND) console.log('skipped: ../shared/corpus/replies not found');
const read = (folder: string, i: number) => readFileSync(join(CORPUS, folder, expectDefined(readdirSync(join(CORPUS, folder))[i])), 'utf8');

describe('jobs:create-classify through the dispatcher', () => {
  let f: CoreFixture;
  beforeAll(async () => {
    f = await startCoreFixture({ secrets: new MemorySecretStore() });
  });
  afterAll(() => f.close());

  it.skipIf(!CORPUS_FOUND)('splits an uploaded .mbox into one item per message, runs the rules, and exports the results', async () => {
    const mbox = [read('bounce', 0), read('bounce', 1), read('out_of_office', 0)]
      .map((m) => `From someone@example.com Thu Nov 26 10:00:00 2026\n${m.replace(/\r\n/g, '\n').replace(/^From /gm, '>From ')}\n`)
      .join('');
    const job = await f.call('jobs:create-classify', {
      uploadIds: [
        await uploadBytes(f.call, 'inbox.mbox', mbox),
        await uploadBytes(f.call, 'ooo.eml', read('out_of_office', 1)),
        await uploadBytes(f.call, 'bounce.eml', read('bounce', 2)),
      ],
      rulesOnly: true,
    });
    expect(job.total).toBe(5);
    const settled = await f.core.services.jobs.runner.settled(job.id);
    expect(settled.status).toBe('completed');
    const detail = await f.call('jobs:get', { id: job.id });
    expect(detail.progress).toMatchObject({ total: 5, done: 5, failed: 0 });
    const exported = await f.call('jobs:export', { id: job.id, format: 'csv-per-lead' });
    const rows = Papa.parse<Record<string, string>>(exported.content.trim(), { header: true }).data;
    expect(rows.map((r) => r.classification).sort()).toEqual(['bounce', 'bounce', 'bounce', 'out_of_office', 'out_of_office']);
    expect(rows.every((r) => r.decidedBy === 'rules')).toBe(true);
    expect(f.fakes.openai.calls.length + f.fakes.anthropic.calls.length + f.fakes.gemini.calls.length).toBe(0);
  });

  it('refuses files that hold no message', async () => {
    const result = await f.raw('jobs:create-classify', { uploadIds: [await uploadBytes(f.call, 'empty.mbox', '   ')] });
    expect(result.error).toMatchObject({ code: 'validation', field: 'uploadIds' });
  });
});

describe('mail in other charsets reaches the parser byte for byte', () => {
  let f: CoreFixture;
  beforeAll(async () => {
    f = await startCoreFixture({ secrets: new MemorySecretStore() });
  });
  afterAll(() => f.close());

  const latin1 = Buffer.from(
    [
      'From: =?ISO-8859-1?Q?Ren=E9e_Durand?= <renee@example.fr>',
      'To: sam@acme.example',
      'Subject: =?ISO-8859-1?Q?R=E9ponse_automatique_:_absente?=',
      'Date: Mon, 23 Nov 2026 09:00:00 +0100',
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=ISO-8859-1',
      'Content-Transfer-Encoding: 8bit',
      '',
      'Je suis absente du bureau jusqu\u2019au 7 d\u00e9cembre 2026. Pour toute urgence, contactez Andr\u00e9.',
      '',
    ]
      .join('\r\n')
      .replace('\u2019', "'"),
    'latin1',
  );

  it('classifies a Latin-1 .eml sent as base64 with its accents intact', async () => {
    const reply = await f.call('replies:classify', { emlBase64: latin1.toString('base64') });
    expect(reply).toMatchObject({ classification: 'out_of_office', decidedBy: 'rules', returnDate: '2026-12-07' });
    expect(reply.parsedText).toContain('décembre');
    expect(reply.parsedText).toContain('André');
    expect(reply.subject).toBe('Réponse automatique : absente');
  });

  it('keeps the bytes through a classify job too', async () => {
    const job = await f.call('jobs:create-classify', { uploadIds: [await uploadBytes(f.call, 'absente.eml', latin1)], rulesOnly: true });
    await f.core.services.jobs.runner.settled(job.id);
    const detail = await f.call('jobs:get', { id: job.id, status: 'done' });
    expect(detail.items).toHaveLength(1);
    expect(expectDefined(detail.items[0]).input).toEqual({ name: 'absente.eml', file: 'absente.eml', mboxIndex: null, messageId: null, bytes: latin1.length });
    const stored = await f.call('replies:list', { classification: 'out_of_office' });
    expect(stored.items.some((r) => r.parsedText.includes('décembre'))).toBe(true);
  });

  it('reads a pasted reply whose first line looks like a header as text, and a pasted raw message as a message', async () => {
    await f.call('settings:update-llm', { provider: 'openai', apiKeys: { openai: 'sk-pasted-test-000000000000' } });
    const plain = await f.call('replies:classify', { text: 'Note: I am interested.\nCall me Friday about pricing.' });
    expect(plain.parsedText).toContain('I am interested');
    expect(plain.decidedBy).toBe('model');
    expect(expectDefined(f.fakes.openai.calls.at(-1)).promptText).toContain('I am interested');
    const raw = await f.call('replies:classify', { text: 'From: Ada <ada@example.com>\nSubject: Re: hello\n\nSure, let us talk on Monday.' });
    expect(raw).toMatchObject({ fromAddress: 'ada@example.com', subject: 'Re: hello', parsedText: 'Sure, let us talk on Monday.' });
  });

  it('refuses content that is not base64, and both forms at once', async () => {
    expect((await f.raw('replies:classify', { emlBase64: 'not base64!' })).error).toMatchObject({ code: 'validation', field: 'emlBase64' });
    expect((await f.raw('replies:classify', { eml: 'x', emlBase64: 'eA==' })).error?.code).toBe('validation');
  });
});
