import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppErrorData } from '../../shared/domain/errors';
import { isEvent, type EventName } from '../../shared/ipc/events';
import { createInvoke } from '../../shared/ipc/invoke';
import { createCore, MemorySecretStore, silentLogger, type Core } from '../../electron/core';
import { AppError } from '../../electron/core/errors';
import { startFakeProviders, type FakeProviderSet } from '../fakes/fake-provider';

const lead = { firstName: 'Grace', lastName: 'Hopper', company: 'Navy Labs' };
const business = { companyName: 'Acme Outreach', valueProposition: 'Meetings with the right people.', senderName: 'Sam Seller' };

/** What a promise rejects with; fails the test when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, but it resolved');
}

describe('core.invoke: the typed door into the core', () => {
  let dir: string;
  let fakes: FakeProviderSet;
  let core: Core;
  let cliCore: Core;
  const noEvents = { emit: () => {} };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'outreach-invoke-'));
    fakes = await startFakeProviders();
    core = await createCore({
      dataDir: join(dir, 'app'),
      secrets: new MemorySecretStore(),
      env: { OPENAI_API_KEY: 'sk-test-invoke-0001' },
      logger: silentLogger,
    });
    cliCore = await createCore({ dataDir: join(dir, 'cli'), secrets: new MemorySecretStore(), env: {}, logger: silentLogger, surface: 'cli' });
    await core.invoke('settings:update-llm', { provider: 'openai', settings: { baseUrls: { openai: fakes.baseURLFor('openai') } } });
  });

  afterAll(async () => {
    core.close();
    cliCore.close();
    await fakes.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("returns the channel's output: the value the dispatcher's envelope carries", async () => {
    const envelope = await core.dispatch('settings:get-llm', undefined, noEvents);
    expect(envelope.ok).toBe(true);
    const value = await core.invoke('settings:get-llm', undefined);
    expect(value).toEqual(envelope.ok ? envelope.value : null);
    expect(value.provider).toBe('openai');
    expect(value.settings.baseUrls.openai).toBe(fakes.baseURLFor('openai'));
  });

  it("throws the envelope's error as an AppError, every field kept", async () => {
    const input = { settings: { temperature: 3 } };
    const envelope = await core.dispatch('settings:update-llm', input, noEvents);
    const error = await rejection(core.invoke('settings:update-llm', input));
    expect(error).toBeInstanceOf(AppError);
    expect(envelope.ok).toBe(false);
    expect((error as AppError).toData()).toEqual(envelope.ok ? null : envelope.error);
    expect(error).toMatchObject({ code: 'validation', field: 'settings.temperature', retryable: false });

    const missing = await rejection(core.invoke('jobs:resume', { id: 'no-such-job' }));
    expect(missing).toBeInstanceOf(AppError);
    expect(missing).toMatchObject({ code: 'not_found', message: 'That job no longer exists.', field: 'id' });
  });

  it('refuses a channel the contract does not have, as the dispatcher does', async () => {
    const error = await rejection(core.invoke('jobs:explode' as never, undefined as never));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'validation', message: 'Unknown channel "jobs:explode".' });
  });

  it("hands the call's events to ctx, and drops them without one", async () => {
    const events: Array<{ event: EventName; payload: unknown }> = [];
    const text: string[] = [];
    const options = { numberOfSteps: 2, channels: ['email' as const] };
    const streamed = await core.invoke(
      'sequences:generate',
      { requestId: 'invoke-stream-0001', lead, business, options },
      {
        emit: (event, payload) => {
          events.push({ event, payload });
          if (isEvent('llm:stream', event, payload) && payload.part.type === 'text-delta') text.push(payload.part.text);
        },
      },
    );
    expect(streamed.steps).toHaveLength(2);
    expect(text.join('')).toContain('"steps"');
    expect(events.every((e) => e.event === 'llm:stream' && (e.payload as { requestId: string }).requestId === 'invoke-stream-0001')).toBe(true);
    // The events are the answer's text as it came, and nothing else: joined, they are the answer the result was read from.
    expect(events.length).toBe(text.length);
    expect(JSON.parse(text.join('')).steps).toHaveLength(streamed.steps.length);

    const quiet = await core.invoke('sequences:generate', { requestId: 'invoke-quiet-0001', lead, business, options });
    expect(quiet.steps).toHaveLength(2);
  });

  it('keeps the wording of the core it was made for: a CLI core throws the command that fixes it', async () => {
    const envelope = await cliCore.dispatch('llm:test', { provider: 'anthropic' }, noEvents);
    const error = await rejection(cliCore.invoke('llm:test', { provider: 'anthropic' }));
    expect(error).toBeInstanceOf(AppError);
    const expected = 'No Anthropic key is set: add one with "outreach-desk keys set anthropic", or set ANTHROPIC_API_KEY.';
    expect(envelope.ok ? '' : envelope.error.message).toBe(expected);
    expect((error as AppError).message).toBe(expected);
    expect((error as AppError).toData('cli')).toEqual({ code: 'no_key', message: expected, retryable: false, provider: 'anthropic' });
  });
});

describe('AppError.fromData', () => {
  it('rebuilds the error that crossed as data, field for field', () => {
    const full: AppErrorData = {
      code: 'rate_limited',
      message: 'Groq is busy: try again in a minute.',
      retryable: true,
      provider: 'groq',
      requestId: 'req_123',
      retryAfterMs: 60_000,
      field: 'provider',
    };
    const bare: AppErrorData = { code: 'validation', message: 'Pick a lead or type one in.', retryable: false };
    for (const data of [full, bare]) {
      const error = AppError.fromData(data);
      expect(error).toBeInstanceOf(AppError);
      expect(error.toData()).toEqual(data);
      expect(error.toData('cli')).toEqual(data);
    }
  });
});

describe('createInvoke over any transport', () => {
  const toError = (data: AppErrorData, channel: string) => Object.assign(new Error(`${channel}: ${data.message}`), { code: data.code });

  it('passes the channel, the input and the extra arguments through, and returns the value', async () => {
    const seen: unknown[][] = [];
    const invoke = createInvoke<[tag: string]>(async (channel, input, tag) => {
      seen.push([channel, input, tag]);
      return { ok: true, value: { id: 'job-1' } };
    }, toError);
    expect(await invoke('jobs:cancel', { id: 'job-1' }, 'tag-1')).toEqual({ id: 'job-1' });
    expect(seen).toEqual([['jobs:cancel', { id: 'job-1' }, 'tag-1']]);
  });

  it('throws what toError builds from an error envelope, and an internal error for an answer that is no envelope', async () => {
    const answers: unknown[] = [
      { ok: false, error: { code: 'conflict', message: 'Already running.', retryable: false } },
      undefined,
      { ok: 'yes' },
      { ok: false, error: 'boom' },
    ];
    const invoke = createInvoke(async () => answers.shift() as never, toError);
    expect(await rejection(invoke('jobs:list', undefined))).toMatchObject({ code: 'conflict', message: 'jobs:list: Already running.' });
    for (let i = 0; i < 3; i++) {
      expect(await rejection(invoke('jobs:list', undefined))).toMatchObject({
        code: 'internal',
        message: expect.stringContaining('The answer to jobs:list was not one Outreach Desk sends'),
      });
    }
  });

  it('lets a failed transport reject with its own error', async () => {
    const failure = new Error('socket closed');
    const invoke = createInvoke(() => Promise.reject(failure), toError);
    expect(await rejection(invoke('jobs:list', undefined))).toBe(failure);
  });
});
