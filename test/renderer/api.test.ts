import { afterEach, describe, expect, it } from 'vitest';
import type { OutreachApi } from '../../shared/ipc';
import { ApiError, call } from '../../renderer/src/lib/api';
import { FakeError, installFakeApi, uninstallFakeApi } from './fake-api';

afterEach(uninstallFakeApi);

/** Catches what a promise rejects with; fails when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, but it resolved');
}

describe("the renderer's call: window.api through createInvoke", () => {
  it('returns the value of an ok envelope, and sends the input as given', async () => {
    const fake = installFakeApi({ 'jobs:cancel': ({ id }) => ({ id, kind: 'generate', status: 'cancelled' }) as never });
    expect(await call('jobs:cancel', { id: 'job-1' })).toEqual({ id: 'job-1', kind: 'generate', status: 'cancelled' });
    expect(fake.callsTo('jobs:cancel')).toEqual([{ id: 'job-1' }]);
  });

  it("throws an ApiError with every field of the envelope's error", async () => {
    installFakeApi({
      'llm:test': () => {
        throw new FakeError({
          code: 'rate_limited',
          message: 'Groq is busy: try again in a minute.',
          retryable: true,
          provider: 'groq',
          retryAfterMs: 60_000,
          field: 'provider',
        });
      },
    });
    const error = await rejection(call('llm:test', { provider: 'groq' }));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      code: 'rate_limited',
      message: 'Groq is busy: try again in a minute.',
      retryable: true,
      provider: 'groq',
      retryAfterMs: 60_000,
      field: 'provider',
    });
  });

  it('turns a failed transport into an internal, retryable ApiError that says the core is unreachable', async () => {
    const api: OutreachApi = { invoke: () => Promise.reject(new Error('channel closed')), on: () => () => undefined };
    (window as unknown as { api: OutreachApi }).api = api;
    const error = await rejection(call('jobs:list', undefined));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'internal', retryable: true, message: 'Could not reach the Outreach Desk core (channel closed). Restart the app.' });
  });

  it('refuses an answer that is no envelope, instead of handing it on as a value', async () => {
    const api: OutreachApi = { invoke: () => Promise.resolve('<html>502 Bad Gateway</html>' as never), on: () => () => undefined };
    (window as unknown as { api: OutreachApi }).api = api;
    const error = await rejection(call('jobs:list', undefined));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      code: 'internal',
      retryable: false,
      message: expect.stringContaining('The answer to jobs:list was not one Outreach Desk sends'),
    });
  });

  it('says how to open the app when there is no bridge at all', async () => {
    const error = await rejection(call('jobs:list', undefined));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'internal', message: expect.stringContaining('The app bridge is missing') });
  });
});
