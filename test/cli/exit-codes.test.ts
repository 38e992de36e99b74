/**
 * Exit codes that tell the truth: an empty answer is a failure (1), a cut-off one is a warning, a
 * batch whose job ends paused or failed is a failure, and the advice says "Fix it, then resume"
 * only when there is something the user can fix. Runs the built CLI (npm run build) against a
 * fake vendor.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { describeJobEnd } from '../../electron/cli/commands/batch';
import type { JobProgress } from '../../shared/domain/records';
import { startFakeProvider, type FakeProvider, type ScriptStep } from '../fakes/fake-provider';
import { runCli } from '../helpers/run-cli';
import { expectDefined } from '../helpers/expect-defined';

/** Each CLI run is a fresh Node process; on a loaded machine a few of them take a while. */
const SLOW = 180_000;
const env = { OPENAI_API_KEY: 'sk-exit-codes-test-0000000000' };
const quota: ScriptStep = {
  status: 429,
  body: {
    error: {
      message: 'You exceeded your current quota, please check your plan and billing details.',
      type: 'insufficient_quota',
      param: null,
      code: 'insufficient_quota',
    },
  },
};
const rejected: ScriptStep = {
  status: 401,
  body: { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' } },
};

describe('CLI exit codes', () => {
  let fake: FakeProvider;
  let dir: string;
  let dataDir: string;
  const cli = (...args: string[]) => runCli(['--data-dir', dataDir, ...args], { env });

  beforeAll(async () => {
    fake = await startFakeProvider('openai');
    dir = mkdtempSync(join(tmpdir(), 'outreach-exit-'));
    dataDir = join(dir, 'data');
    writeFileSync(join(dir, 'leads.csv'), 'First name,Email,Company\nAda,ada@example.com,Engines\nBob,bob@example.com,Looms\nCy,cy@example.com,Gears\n');
    writeFileSync(join(dir, 'business.json'), JSON.stringify({ companyName: 'Acme', valueProposition: 'Meetings that matter.', senderName: 'Sam' }));
    mkdirSync(join(dir, 'inbox'));
    writeFileSync(
      join(dir, 'inbox', 'reply.eml'),
      'From: Ada <ada@example.com>\r\nTo: sam@acme.test\r\nSubject: Re: meetings\r\nDate: Mon, 30 Nov 2026 10:00:00 +0000\r\nMessage-ID: <r1@example.com>\r\n\r\nThanks, could we talk on Tuesday about pricing?\r\n',
    );
    const set = await cli('settings', 'set', 'provider=openai', `baseUrl.openai=${fake.baseURLFor('openai')}`);
    expect(set.code, set.stderr).toBe(0);
  });

  afterEach(() => fake.reset());

  afterAll(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('test and chat', () => {
    it(
      'test: an empty answer exits 1 and says so',
      async () => {
        fake.script({ reply: { text: '' } });
        const run = await cli('test', 'openai');
        expect(run.code, run.stderr).toBe(1);
        expect(run.stderr).toMatch(/empty answer/i);
      },
      SLOW,
    );

    it(
      'test --json: an empty answer still prints the result, and exits 1',
      async () => {
        fake.script({ reply: { text: '   ' } });
        const run = await cli('--json', 'test', 'openai');
        expect(run.code, run.stderr).toBe(1);
        expect(JSON.parse(run.stdout)).toMatchObject({ success: true, response: '   ', finishReason: 'stop' });
        expect(run.stderr).toMatch(/empty answer/i);
      },
      SLOW,
    );

    it(
      'test: an answer cut off at the token limit warns, and exits 0 (the connection works)',
      async () => {
        fake.script({ reply: { text: 'Hello, I am a', finishReason: 'length' } });
        const run = await cli('test', 'openai');
        expect(run.code, run.stderr).toBe(0);
        expect(run.stderr).toMatch(/cut off at the token limit/);
      },
      SLOW,
    );

    it(
      'chat: an empty answer exits 1, streamed or not',
      async () => {
        fake.script({ reply: { text: '' } }, { reply: { text: '' } });
        const plain = await cli('chat', 'openai', 'Say hi');
        expect(plain.code, plain.stderr).toBe(1);
        expect(plain.stderr).toMatch(/empty answer/i);
        const streamed = await cli('chat', 'openai', 'Say hi', '--stream');
        expect(streamed.code, streamed.stderr).toBe(1);
        expect(streamed.stderr).toMatch(/empty answer/i);
      },
      SLOW,
    );

    it(
      'chat: a cut-off answer prints what came, warns with the setting to raise, exits 0',
      async () => {
        fake.script({ reply: { text: 'Once upon a', finishReason: 'length' } }, { reply: { text: 'Once upon a', finishReason: 'length' } });
        const plain = await cli('chat', 'openai', 'Tell a story');
        expect(plain.code, plain.stderr).toBe(0);
        expect(plain.stdout).toContain('Once upon a');
        expect(plain.stderr).toMatch(/cut off at the token limit.*maxTokens/);
        const streamed = await cli('chat', 'openai', 'Tell a story', '--stream');
        expect(streamed.code, streamed.stderr).toBe(0);
        expect(streamed.stderr).toMatch(/cut off at the token limit.*maxTokens/);
      },
      SLOW,
    );

    it(
      'a normal answer exits 0 without a warning',
      async () => {
        const run = await cli('chat', 'openai', 'Say hi');
        expect(run.code, run.stderr).toBe(0);
        expect(run.stderr).not.toMatch(/empty|cut off/);
      },
      SLOW,
    );
  });

  describe('the timeout setting', () => {
    it(
      'settings set timeout.<provider>=SECONDS saves it, "default" clears it, a bad value is refused',
      async () => {
        const set = await cli('--json', 'settings', 'set', 'timeout.local=300', 'timeout.openai=60');
        expect(set.code, set.stderr).toBe(0);
        expect(JSON.parse(set.stdout).settings.timeouts).toEqual({ local: 300, openai: 60 });
        const cleared = await cli('--json', 'settings', 'set', 'timeout.openai=default');
        expect(cleared.code, cleared.stderr).toBe(0);
        expect(JSON.parse(cleared.stdout).settings.timeouts).toEqual({ local: 300 });
        const bad = await cli('settings', 'set', 'timeout.openai=2');
        expect(bad.code).toBe(1);
        // Named as typed, not by the channel and field it became.
        expect(bad.stderr).toMatch(/^error\[validation\]: timeout\.openai=2 is refused: Too small: expected number to be >=5$/m);
        const hot = await cli('settings', 'set', 'model.groq=llama-3.3-70b-versatile', 'temperature=5');
        expect(hot.code).toBe(1);
        expect(hot.stderr).toMatch(/^error\[validation\]: temperature=5 is refused: Too big: expected number to be <=2$/m);
        expect(hot.stderr).not.toContain('settings:update-llm');
        const secretUrl = await cli('settings', 'set', 'baseUrl.openai=https://ana:hunter2@proxy.example/v1');
        expect(secretUrl.code).toBe(1);
        expect(secretUrl.stderr).toMatch(
          /^error\[validation\]: baseUrl\.openai=https:\/\/…@proxy\.example\/v1 is refused: must be an http\(s\) URL without credentials/m,
        );
        expect(secretUrl.stderr).not.toContain('hunter2');
        expect((await cli('settings', 'set', 'timeout.openai=soon')).code).toBe(2);
      },
      SLOW,
    );
  });

  describe('batch', () => {
    it(
      'batch generate exits 1 when its job pauses on an empty account, and says to fix it and resume',
      async () => {
        fake.script(...Array.from({ length: 10 }, () => quota));
        const run = await cli(
          'batch',
          'generate',
          '--leads',
          join(dir, 'leads.csv'),
          '--business',
          join(dir, 'business.json'),
          '--out',
          join(dir, 'out.csv'),
          '--concurrency',
          '1',
        );
        expect(run.code, run.stderr).toBe(1);
        expect(run.stderr).toMatch(/paused, 0 done/);
        expect(run.stderr).toMatch(/error\[quota_exhausted\]/);
        const id = /Fix it, then run: outreach-desk jobs resume (\S+)/.exec(run.stderr)?.[1];
        expect(id).toBeDefined();

        fake.reset();
        const resumed = await cli('jobs', 'resume', expectDefined(id));
        expect(resumed.code, resumed.stderr).toBe(0);
        expect(resumed.stderr).toMatch(/completed, 3 done, 0 failed of 3/);
        // An id that is no job: the CLI says so and where to look, not that it "no longer exists".
        const typo = await cli('jobs', 'resume', 'no-such-job');
        expect(typo.code).toBe(1);
        expect(typo.stderr).toMatch(
          /^error\[not_found\]: No job has the id "no-such-job" in this organization: see the jobs with "outreach-desk jobs list"\.$/m,
        );
      },
      SLOW,
    );

    it(
      'batch classify exits 1 when its job pauses on a rejected key',
      async () => {
        fake.script(...Array.from({ length: 5 }, () => rejected));
        const run = await cli('batch', 'classify', '--in', join(dir, 'inbox'), '--out', join(dir, 'classified.csv'));
        expect(run.code, run.stderr).toBe(1);
        expect(run.stderr).toMatch(/error\[auth\]/);
        expect(run.stderr).toMatch(/Fix it, then run: outreach-desk jobs resume/);
      },
      SLOW,
    );

    it(
      'batch classify exits 0 when its job completes',
      async () => {
        const run = await cli('batch', 'classify', '--in', join(dir, 'inbox'), '--out', join(dir, 'classified-ok.csv'));
        expect(run.code, run.stderr).toBe(0);
        expect(run.stderr).not.toMatch(/Fix it/);
        // Not a terminal: progress comes as lines, and the last one is not printed twice.
        const bars = run.stderr.split('\n').filter((line) => line.startsWith('['));
        expect(bars.at(-1)).toMatch(/· completed$/);
        expect(new Set(bars).size).toBe(bars.length);
      },
      SLOW,
    );
  });
});

describe('describeJobEnd', () => {
  const progress = (over: Partial<JobProgress>): JobProgress => ({
    jobId: 'j1',
    status: 'completed',
    total: 3,
    done: 3,
    failed: 0,
    waiting: 0,
    etaMs: null,
    pauseReason: null,
    ...over,
  });

  it('is a success only for a completed job, failed items or not', () => {
    expect(describeJobEnd(progress({})).exitCode).toBe(0);
    expect(describeJobEnd(progress({ done: 2, failed: 1 })).exitCode).toBe(0);
    for (const status of ['paused', 'failed', 'cancelled'] as const) expect(describeJobEnd(progress({ status })).exitCode).toBe(1);
  });

  it('says "Fix it, then resume" only when the user can fix the cause', () => {
    const fixable = describeJobEnd(
      progress({ status: 'paused', pauseReason: { code: 'budget_exceeded', message: 'This month’s budget is spent.', retryable: false } }),
    );
    expect(fixable.advice).toContain('Fix it, then run: outreach-desk jobs resume j1');
    const disk = describeJobEnd(
      progress({ status: 'failed', pauseReason: { code: 'storage', message: 'The disk is full: free some space.', retryable: false } }),
    );
    expect(disk.advice).toContain('Fix it, then run: outreach-desk jobs resume j1');
    const bug = describeJobEnd(
      progress({ status: 'failed', pauseReason: { code: 'internal', message: 'Something went wrong inside Outreach Desk.', retryable: false } }),
    );
    expect(bug.advice).not.toContain('Fix it');
    expect(bug.advice).toContain('outreach-desk jobs resume j1');
    const byHand = describeJobEnd(progress({ status: 'paused' }));
    expect(byHand.advice).not.toContain('Fix it');
    expect(byHand.advice).toContain('outreach-desk jobs resume j1');
  });
});
