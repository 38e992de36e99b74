/**
 * The per-provider timeout: a setting (Settings → Providers → <provider>, `settings set
 * timeout.<provider>=SECONDS`) that bounds every call to that provider, and the one a timeout
 * message tells the user to raise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapHttpError } from '../../electron/core/llm/error-mapping';
import { MemorySecretStore } from '../../electron/core/secrets';
import { startCoreFixture, type CoreFixture } from '../helpers/core-fixture';

describe('the per-provider timeout', () => {
  let f: CoreFixture;
  beforeAll(async () => {
    f = await startCoreFixture({ secrets: new MemorySecretStore() });
    await f.call('settings:update-llm', { apiKeys: { groq: 'gsk-test-0123456789abcdef' } });
  });
  afterAll(() => f.close());

  it('is a setting, validated, kept per provider and cleared by leaving it out', async () => {
    const view = await f.call('settings:update-llm', { settings: { timeouts: { groq: 5, local: 600 } } });
    expect(view.settings.timeouts).toEqual({ groq: 5, local: 600 });
    for (const bad of [0, 4, 901, 12.5]) {
      const refused = await f.raw('settings:update-llm', { settings: { timeouts: { groq: bad } } });
      expect(refused.ok, `timeout ${bad}`).toBe(false);
      expect(refused.error?.code).toBe('validation');
    }
    expect((await f.call('settings:get-llm', undefined)).settings.timeouts).toEqual({ groq: 5, local: 600 });
    const cleared = await f.call('settings:update-llm', { settings: { timeouts: { groq: 5 } } });
    expect(cleared.settings.timeouts).toEqual({ groq: 5 });
  });

  it('bounds the call, and the timeout message names the setting that raises it', async () => {
    await f.call('settings:update-llm', { settings: { timeouts: { groq: 5 } } });
    f.fakes.openai.script({ hang: true });
    const failed = await f.raw('llm:test', { provider: 'groq' });
    expect(failed.error?.code).toBe('timeout');
    expect(failed.error?.message).toBe('Groq did not answer within 5 s. Try again, raise the timeout in Settings → Providers → Groq, or switch provider.');
  });

  it('does not tell the user to raise our timeout when the vendor timed out on its side', () => {
    const error = mapHttpError('gemini', 504, { error: { code: 504, message: 'Deadline exceeded.', status: 'DEADLINE_EXCEEDED' } }, undefined, {});
    expect(error.code).toBe('timeout');
    expect(error.message).not.toMatch(/raise the timeout/);
  });
});
