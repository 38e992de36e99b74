import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../electron/core/errors';
import { LLM_PROVIDER_NAMES } from '../../shared/domain/llm';
import { startCoreFixture, type CoreFixture } from '../helpers/core-fixture';
import { uploadBytes } from '../helpers/upload';
import { expectDefined } from '../helpers/expect-defined';

const canary = (p: string) => `sk-canary-${p}-0123456789abcdefWXYZ`;
const lead = { firstName: 'Ada', company: 'Engines Ltd', email: 'ada@example.com' };
const business = { companyName: 'Acme', valueProposition: 'Better meetings.', senderName: 'Sam' };
/** Folder names with `sk-` inside words, as real users have them: they must reach logs and messages intact. */
const DATA_DIR_NAME = join('helpdesk-archive2026', 'risk-assessment-2026-q1');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('key canary: a key set through IPC appears nowhere', () => {
  let f: CoreFixture;
  beforeAll(async () => {
    f = await startCoreFixture({ dataDirName: DATA_DIR_NAME });
  });
  afterAll(() => f.close());

  it('survives settings, tests, drafting, classification, failures, a batch, vendors echoing the key in headers, and every export without leaking', async () => {
    const apiKeys = Object.fromEntries(LLM_PROVIDER_NAMES.map((p) => [p, canary(p)]));
    const view = await f.call('settings:update-llm', { apiKeys });
    expect(view.keys.every((k) => k.source === 'keychain' && k.last4 === 'WXYZ')).toBe(true);

    // A vendor, or a proxy in front of it, that echoes the key in its request-id headers.
    for (const fake of [f.fakes.anthropic, f.fakes.openai, f.fakes.gemini]) fake.setEchoKeyInHeaders(true);

    const sequenceIds: string[] = [];
    for (const provider of LLM_PROVIDER_NAMES) {
      await f.call('llm:test', { provider });
      const draft = await f.call('sequences:generate', {
        requestId: `canary-${provider}-0001`,
        lead,
        business,
        options: { numberOfSteps: 2, channels: ['email'], includeSubjects: true },
        provider,
      });
      const saved = await f.call('sequences:save', {
        title: `Draft ${provider}`,
        status: 'draft',
        steps: draft.steps,
        provider,
        model: draft.model,
        usage: draft.usage,
        costUsd: draft.cost.usd,
      });
      sequenceIds.push(saved.id);
      await f.call('replies:classify', { text: 'Yes please, send me times for a call.', provider });
    }
    // The vendor's 401 echoes the key back, as OpenAI's does with a masked tail.
    f.fakes.openai.script({
      status: 401,
      body: { error: { message: `Incorrect API key provided: ${canary('openai')}.`, type: 'invalid_request_error', code: 'invalid_api_key' } },
    });
    const failed = await f.raw('llm:test', { provider: 'openai' });
    expect(failed.error?.code).toBe('auth');
    f.fakes.anthropic.script(
      { reply: { text: `not json, but here is a key ${canary('anthropic')}` } },
      { reply: { text: `still not json ${canary('anthropic')}` } },
    );
    const broken = await f.raw('sequences:generate', {
      requestId: 'canary-broken-0001',
      lead,
      business,
      options: { numberOfSteps: 1, channels: ['email'] },
      provider: 'anthropic',
    });
    expect(broken.error?.code).toBe('invalid_output');

    // A batch item that fails stores its error (with the vendor's request id) in job_items.
    const uploadId = await uploadBytes(f.call, 'leads.csv', 'First name,Email,Company\nAda,ada@example.com,Engines Ltd\n');
    const preview = await f.call('leads:import-preview', { uploadId });
    const imported = await f.call('leads:import', { uploadId, mapping: preview.suggestedMapping });
    const profile = await f.call('profiles:save', business);
    f.fakes.openai.script({
      status: 400,
      body: { error: { message: `Bad request for ${canary('openai')}`, type: 'invalid_request_error', code: 'context_length_exceeded' } },
    });
    const job = await f.call('jobs:create-generate', {
      leadIds: imported.leadIds,
      businessProfileId: profile.id,
      options: { numberOfSteps: 1, channels: ['email'] },
      provider: 'openai',
    });
    await f.core.services.jobs.runner.settled(job.id);
    const jobView = await f.call('jobs:get', { id: job.id });
    expect(jobView.items.map((i) => i.status)).toEqual(['failed']);
    expect(expectDefined(jobView.items[0]).error?.code).toBe('context_length');

    for (const format of ['csv-per-lead', 'csv-per-step', 'json'] as const)
      await f.call('sequences:export', { ids: sequenceIds, format, fillPlaceholders: true });
    await f.call('usage:export-csv', {});
    await f.call('settings:get-llm', undefined);
    await f.call('llm:providers', undefined);

    const backup = join(f.dataDir, 'backups', 'outreach-desk-v3-20260101T000000000Z.db');
    f.core.logger.info('paths', { dataDir: f.dataDir, backup });

    const transcript = JSON.stringify(f.transcript);
    expect(transcript.length).toBeGreaterThan(10_000);
    for (const p of LLM_PROVIDER_NAMES) expect(transcript.includes(canary(p)), `${p} key in an IPC answer or event`).toBe(false);

    const files = filesUnder(f.dataDir);
    expect(files.some((file) => file.endsWith('-wal'))).toBe(true);
    expect(files.some((file) => file.endsWith('.log'))).toBe(true);
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const p of LLM_PROVIDER_NAMES) expect(bytes.includes(Buffer.from(canary(p))), `${p} key in ${file}`).toBe(false);
    }
    // The request really carried the key to the vendor (so the test can fail if it leaks).
    const sent = JSON.stringify(f.fakes.openai.calls.map((c) => c.headers));
    expect(sent).toContain(canary('openai'));

    // Paths with `sk-` inside words reach the log and error messages unchanged.
    expect(f.dataDir).toContain('sk-archive2026');
    const log = readFileSync(expectDefined(files.find((file) => file.endsWith('.log'))), 'utf8');
    expect(log).toContain(JSON.stringify(f.dataDir).slice(1, -1));
    expect(log).toContain(JSON.stringify(backup).slice(1, -1));
    expect(new AppError('storage', `A copy made before the update is at ${backup}.`).toData().message).toBe(`A copy made before the update is at ${backup}.`);
  });
});
