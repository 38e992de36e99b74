import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../electron/core';
import { startCoreFixture, type CoreFixture } from '../helpers/core-fixture';
import { REPO_ROOT } from '../helpers/run-cli';

const CORPUS = join(REPO_ROOT, '..', 'shared', 'corpus', 'replies');
const read = (folder: string, i: number) => readFileSync(join(CORPUS, folder, readdirSync(join(CORPUS, folder))[i]!), 'utf8');

describe('jobs:create-classify through the dispatcher', () => {
  let f: CoreFixture;
  beforeAll(async () => {
    f = await startCoreFixture({ secrets: new MemorySecretStore() });
  });
  afterAll(() => f.close());

  it('splits an uploaded .mbox into one item per message, runs the rules, and exports the results', async () => {
    const mbox = [read('bounce', 0), read('bounce', 1), read('out_of_office', 0)]
      .map((m) => `From someone@example.com Thu Nov 26 10:00:00 2026\n${m.replace(/\r\n/g, '\n').replace(/^From /gm, '>From ')}\n`)
      .join('');
    const job = await f.call('jobs:create-classify', {
      files: [
        { name: 'inbox.mbox', content: mbox },
        { name: 'ooo.eml', content: read('out_of_office', 1) },
        { name: 'bounce.eml', content: read('bounce', 2) },
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
    expect(rows.map((r) => r['classification']).sort()).toEqual(['bounce', 'bounce', 'bounce', 'out_of_office', 'out_of_office']);
    expect(rows.every((r) => r['decidedBy'] === 'rules')).toBe(true);
    expect(f.fakes.openai.calls.length + f.fakes.anthropic.calls.length + f.fakes.gemini.calls.length).toBe(0);
  });

  it('refuses files that hold no message', async () => {
    const result = await f.raw('jobs:create-classify', { files: [{ name: 'empty.mbox', content: '   ' }] });
    expect(result.error).toMatchObject({ code: 'validation', field: 'files' });
  });
});
