import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LLM_PROVIDER_NAMES } from '../../shared/domain/llm';
import { startFakeProviders, type FakeProviderSet } from '../fakes/fake-provider';
import { runCli, type CliRun } from '../helpers/run-cli';
import { expectDefined } from '../helpers/expect-defined';

const PROVIDERS = LLM_PROVIDER_NAMES;
const canary = (p: string) => `sk-canary-${p}-7f3a9c2e5b1d4e6f8a0b`;

/** Every file below a folder (the database, its WAL, logs, backups). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('the CLI against fake vendors, for all six providers', () => {
  let fakes: FakeProviderSet;
  let dir: string;
  let dataDir: string;
  const outputs: CliRun[] = [];
  const cli = async (args: string[], stdin?: string) => {
    const run = await runCli(['--data-dir', dataDir, ...args], { stdin });
    outputs.push(run);
    return run;
  };

  beforeAll(async () => {
    fakes = await startFakeProviders();
    dir = mkdtempSync(join(tmpdir(), 'outreach-cli-'));
    dataDir = join(dir, 'data');
    writeFileSync(
      join(dir, 'lead.json'),
      JSON.stringify({ firstName: 'Ada', lastName: 'Lovelace', company: 'Analytical Engines', jobTitle: 'CTO', industry: 'Computing' }),
    );
    writeFileSync(
      join(dir, 'business.json'),
      JSON.stringify({ companyName: 'Acme Outreach', valueProposition: 'We book meetings with the right people.', senderName: 'Sam Seller', tone: 'friendly' }),
    );
    writeFileSync(join(dir, 'reply.txt'), 'Thanks for reaching out! Could we talk on Tuesday afternoon about pricing?');
  });

  afterAll(async () => {
    await fakes.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sets each key from stdin into the OS keychain and points each provider at its fake', async () => {
    for (const p of PROVIDERS) {
      const set = await cli(['keys', 'set', p], `${canary(p)}\n`);
      expect(set.code, set.stderr).toBe(0);
      expect(set.stdout).toContain('keychain');
      const base = await cli(['settings', 'set', `baseUrl.${p}=${fakes.baseURLFor(p)}`]);
      expect(base.code, base.stderr).toBe(0);
    }
    const status = await cli(['--json', 'keys', 'status']);
    const keys = JSON.parse(status.stdout).keys as Array<{ provider: string; source: string; last4: string }>;
    expect(keys.map((k) => [k.provider, k.source, k.last4])).toEqual(PROVIDERS.map((p) => [p, 'keychain', canary(p).slice(-4)]));
  });

  it.each(PROVIDERS)('%s: test, chat, streamed chat, generate, streamed generate, classify, live models', async (p) => {
    const before = fakes.forProvider(p).calls.length;

    const test = await cli(['--json', 'test', p]);
    expect(test.code, test.stderr).toBe(0);
    const tested = JSON.parse(test.stdout);
    expect(tested).toMatchObject({ success: true, provider: p });
    expect(tested.usage.inputTokens).toBeGreaterThan(0);

    const chat = await cli(['chat', p, 'Say hi']);
    expect(chat.code, chat.stderr).toBe(0);
    expect(chat.stdout.trim().length).toBeGreaterThan(0);
    const streamed = await cli(['chat', p, 'Say hi', '--stream']);
    expect(streamed.code, streamed.stderr).toBe(0);
    expect(streamed.stdout.trim()).toBe(chat.stdout.trim());

    const args = [
      'generate',
      '--lead',
      join(dir, 'lead.json'),
      '--business',
      join(dir, 'business.json'),
      '--steps',
      '3',
      '--channels',
      'email,sms',
      '--delays',
      '0,2,6',
      '--subjects',
      '--provider',
      p,
    ];
    const generated = await cli(['--json', ...args]);
    expect(generated.code, generated.stderr).toBe(0);
    const sequence = JSON.parse(generated.stdout);
    expect(sequence.provider).toBe(p);
    expect(sequence.steps.map((s: { delay_days: number }) => s.delay_days)).toEqual([0, 2, 6]);
    for (const step of sequence.steps) {
      expect(['email', 'sms']).toContain(step.channel);
      if (step.channel === 'email') expect(step.subject).toBeTruthy();
    }
    const streamedGenerate = await cli([...args, '--stream']);
    expect(streamedGenerate.code, streamedGenerate.stderr).toBe(0);
    expect(streamedGenerate.stdout).toContain('Step 3');
    expect(streamedGenerate.stderr).toMatch(/^Step 1 · day \+0 · (email|sms)/m);
    expect(streamedGenerate.stderr).toMatch(/^Step 3 · day \+6 · /m);
    expect(streamedGenerate.stderr).not.toContain('"steps"');

    const classified = await cli(['--json', 'classify', '--reply', join(dir, 'reply.txt'), '--provider', p]);
    expect(classified.code, classified.stderr).toBe(0);
    expect(JSON.parse(classified.stdout)).toMatchObject({ classification: 'interested', decidedBy: 'model' });

    const models = await cli(['--json', 'models', p, '--refresh']);
    expect(models.code, models.stderr).toBe(0);
    const listed = JSON.parse(models.stdout);
    expect(listed.live).toBe(true);
    expect(listed.models.length).toBeGreaterThan(0);

    const calls = fakes.forProvider(p).calls.slice(before);
    expect(calls.filter((c) => c.route === 'generate').length).toBe(6);
    expect(calls.some((c) => c.stream)).toBe(true);
  });

  it('reports usage per provider as CSV, one row per provider with every call counted', async () => {
    const csv = await cli(['usage', '--by', 'provider', '--csv']);
    expect(csv.code, csv.stderr).toBe(0);
    const [header, ...rows] = csv.stdout.trim().split(/\r?\n/);
    expect(header).toBe('provider,calls,errors,inputTokens,outputTokens,cachedInputTokens,costUsd');
    expect(rows.map((r) => r.split(',')[0]).sort()).toEqual([...PROVIDERS].sort());
    for (const row of rows) expect(row.split(',')[1]).toBe('6');
  });

  it('reports a rejected key as error[auth] with the fix, exit code 1, and records the failed call', async () => {
    fakes.openai.script({
      status: 401,
      body: {
        error: { message: 'Incorrect API key provided: sk-can****0b. You can find your API key at …', type: 'invalid_request_error', code: 'invalid_api_key' },
      },
    });
    const run = await cli(['test', 'openai']);
    expect(run.code).toBe(1);
    // The CLI names the command that fixes it, not the app's Settings screen.
    expect(run.stderr).toMatch(/^error\[auth\]: The OpenAI key was rejected: set a new key with "outreach-desk keys set openai"\.$/m);
    expect(run.stderr).not.toContain('Settings');
    expect(run.stderr).not.toContain('sk-can');
    const usage = JSON.parse((await cli(['--json', 'usage', '--by', 'operation'])).stdout);
    expect(usage.totals.errors).toBe(1);
  });

  it('exits 2 on usage errors and 1 on failed operations', async () => {
    expect((await cli(['generate'])).code).toBe(2);
    expect((await cli(['models', 'nonsense'])).code).toBe(2);
    expect((await cli(['settings', 'set', 'baseUrl.openai=ftp://x'])).code).toBe(1);
    const missing = await cli(['generate', '--lead', join(dir, 'nope.json'), '--business', join(dir, 'business.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error\[usage\]: Cannot read lead file/m);
  });

  it('removes a key', async () => {
    const run = await cli(['keys', 'remove', 'groq']);
    expect(run.code, run.stderr).toBe(0);
    const status = JSON.parse((await cli(['--json', 'keys', 'status'])).stdout);
    expect(status.keys.find((k: { provider: string }) => k.provider === 'groq').source).toBe('none');
  });

  it('keeps every key out of the database, its WAL, the logs and every CLI output', async () => {
    const files = filesUnder(dataDir);
    expect(files.some((f) => f.endsWith('.db'))).toBe(true);
    expect(files.some((f) => f.endsWith('.log'))).toBe(true);
    for (const p of PROVIDERS) {
      const needle = Buffer.from(canary(p));
      for (const file of files) expect(readFileSync(file).includes(needle), `${p} key in ${file}`).toBe(false);
      for (const run of outputs) {
        expect(run.stdout).not.toContain(canary(p));
        expect(run.stderr).not.toContain(canary(p));
      }
    }
  });
});

describe('a damaged database file', () => {
  it('is refused with the fix, then moved aside (bytes kept) with --start-fresh', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outreach-corrupt-'));
    try {
      const dataDir = join(dir, 'data');
      const { mkdirSync } = await import('node:fs');
      mkdirSync(dataDir);
      const garbage = Buffer.from('this is not a database, it is a shopping list: eggs, milk\n'.repeat(200));
      writeFileSync(join(dataDir, 'outreach-desk.db'), garbage);
      const refused = await runCli(['--data-dir', dataDir, 'providers']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^error\[storage\]: The data file .* is damaged.*--start-fresh/m);
      expect(readFileSync(join(dataDir, 'outreach-desk.db')).equals(garbage)).toBe(true);

      const fresh = await runCli(['--data-dir', dataDir, '--start-fresh', 'providers']);
      expect(fresh.code, fresh.stderr).toBe(0);
      const moved = /moved to (.+); started a new one/.exec(fresh.stderr)?.[1];
      expect(moved).toBeTruthy();
      expect(readFileSync(expectDefined(moved)).equals(garbage)).toBe(true);
      expect((await runCli(['--data-dir', dataDir, 'providers'])).code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
