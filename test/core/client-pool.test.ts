/**
 * The core reuses vendor SDK clients and keychain reads across calls, and drops them when a key is
 * written or removed, when settings are saved, and when a provider refuses its key (see
 * electron/core/llm/README.md, "What is cached, and when it is dropped"). The SDK is the real one,
 * counted by a subclass, talking to the loopback fake vendor.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemorySecretStore, type SecretStore } from '../../electron/core';
import { createProviderClientPool, getLLMProvider } from '../../electron/core/llm';
import { secretAccount } from '../../electron/core/secrets';
import { startFakeProvider, type FakeProvider } from '../fakes/fake-provider';
import { startCoreFixture, type CoreFixture } from '../helpers/core-fixture';
import { expectDefined } from '../helpers/expect-defined';

const built = vi.hoisted(() => ({ openai: 0 }));

vi.mock('openai', async (importOriginal) => {
  const actual = await importOriginal<typeof import('openai')>();
  class CountedOpenAI extends actual.default {
    constructor(...args: ConstructorParameters<typeof actual.default>) {
      super(...args);
      built.openai++;
    }
  }
  return { ...actual, default: CountedOpenAI, OpenAI: CountedOpenAI };
});

/** The keychain as the core sees it, counting reads per account. */
class CountingStore implements SecretStore {
  readonly inner = new MemorySecretStore();
  readonly reads = new Map<string, number>();
  get(account: string) {
    this.reads.set(account, (this.reads.get(account) ?? 0) + 1);
    return this.inner.get(account);
  }
  set(account: string, secret: string) {
    return this.inner.set(account, secret);
  }
  delete(account: string) {
    return this.inner.delete(account);
  }
}

const KEY_A = 'sk-deepseek-aaaa-0123456789abcdef';
const KEY_B = 'sk-deepseek-bbbb-0123456789abcdef';
const KEY_C = 'sk-deepseek-cccc-0123456789abcdef';

describe('SDK clients and keychain reads are reused, and dropped when keys or settings change', () => {
  let f: CoreFixture;
  let keychain: CountingStore;
  let account: string;

  /** One connection test to DeepSeek (the openai SDK); returns the key the fake vendor received. */
  async function callDeepSeek(): Promise<string | undefined> {
    const before = f.fakes.openai.calls.length;
    await f.call('llm:test', { provider: 'deepseek' });
    expect(f.fakes.openai.calls.length).toBe(before + 1);
    return expectDefined(f.fakes.openai.calls.at(-1)).headers.authorization?.replace(/^Bearer /, '');
  }

  function reads(): number {
    return keychain.reads.get(account) ?? 0;
  }

  beforeAll(async () => {
    keychain = new CountingStore();
    f = await startCoreFixture({ secrets: keychain });
    account = secretAccount(f.core.services.session.current().org.id, 'deepseek');
  });
  afterAll(() => f.close());

  beforeEach(async () => {
    await f.call('settings:update-llm', { apiKeys: { deepseek: KEY_A } });
    built.openai = 0;
    keychain.reads.clear();
  });
  afterEach(() => f.fakes.openai.reset());

  it('builds the SDK client once and does not read the keychain again for repeated calls', async () => {
    expect(await callDeepSeek()).toBe(KEY_A);
    keychain.reads.clear();
    for (let i = 0; i < 3; i++) expect(await callDeepSeek()).toBe(KEY_A);
    expect(built.openai).toBe(1);
    expect(reads()).toBe(0);
  });

  it('builds a new client with the new key after the key is replaced, and none after a removal', async () => {
    expect(await callDeepSeek()).toBe(KEY_A);
    await f.call('settings:update-llm', { apiKeys: { deepseek: KEY_B } });
    expect(await callDeepSeek()).toBe(KEY_B);
    expect(await callDeepSeek()).toBe(KEY_B);
    expect(built.openai).toBe(2);
    await f.call('settings:update-llm', { apiKeys: { deepseek: '' } });
    const refused = await f.raw('llm:test', { provider: 'deepseek' });
    expect(refused.error?.code).toBe('no_key');
    expect(built.openai).toBe(2);
  });

  it('rebuilds the client after settings are saved, and after the base URL or timeout changes', async () => {
    await callDeepSeek();
    await f.call('settings:update-llm', { settings: { temperature: 0.3 } });
    await callDeepSeek();
    expect(built.openai).toBe(2);
    const baseUrls = { ...(await f.call('settings:get-llm', undefined)).settings.baseUrls, deepseek: `${f.fakes.openai.baseURLFor('deepseek')}/` };
    await f.call('settings:update-llm', { settings: { baseUrls, timeouts: { deepseek: 900 } } });
    await callDeepSeek();
    await callDeepSeek();
    expect(built.openai).toBe(3);
  });

  it('uses a key another program wrote once the provider refuses the old one (401)', async () => {
    expect(await callDeepSeek()).toBe(KEY_A);
    // The CLI in another process replaces the key: this core's cache cannot see it.
    await keychain.inner.set(account, KEY_C);
    expect(await callDeepSeek()).toBe(KEY_A);
    f.fakes.openai.script({ status: 401, body: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } } });
    keychain.reads.clear();
    const refused = await f.raw('llm:test', { provider: 'deepseek' });
    expect(refused.error?.code).toBe('auth');
    expect(reads()).toBe(0);
    expect(await callDeepSeek()).toBe(KEY_C);
    expect(await callDeepSeek()).toBe(KEY_C);
    expect(built.openai).toBe(2);
    // One read after the refusal, then the cache again.
    expect(reads()).toBe(1);
  });

  it('reads the keychain again after listing models is refused (401)', async () => {
    expect(await callDeepSeek()).toBe(KEY_A);
    await keychain.inner.set(account, KEY_C);
    f.fakes.openai.scriptFor('models', {
      status: 401,
      body: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } },
    });
    const refused = await f.raw('llm:models', { provider: 'deepseek', refresh: true });
    expect(refused.error?.code).toBe('auth');
    expect(expectDefined(f.fakes.openai.calls.at(-1)).headers.authorization).toBe(`Bearer ${KEY_A}`);
    expect(await callDeepSeek()).toBe(KEY_C);
  });

  it('reads a key set by another program after a call found none', async () => {
    await f.call('settings:update-llm', { apiKeys: { deepseek: '' } });
    expect((await f.raw('llm:test', { provider: 'deepseek' })).error?.code).toBe('no_key');
    keychain.reads.clear();
    await keychain.inner.set(account, KEY_B);
    expect(await callDeepSeek()).toBe(KEY_B);
    expect(await callDeepSeek()).toBe(KEY_B);
    expect(reads()).toBe(1);
  });
});

describe('createProviderClientPool', () => {
  let fake: FakeProvider;
  const hi = [{ role: 'user' as const, content: 'hi' }];
  beforeAll(async () => {
    fake = await startFakeProvider('openai');
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    built.openai = 0;
  });

  it('keeps one client per provider, key, base URL and timeout', async () => {
    const pool = createProviderClientPool();
    const baseURL = fake.baseURLFor('openai');
    const same = { apiKey: KEY_A, baseURL };
    // Call defaults (model, temperature, deadline under the SDK floor) are not part of the client.
    await pool.get('openai', same).chat(hi);
    await pool.get('openai', { ...same, temperature: 0.2, defaultModel: 'gpt-6-luna', deadlineMs: 15_000 }).chat(hi);
    await pool.get('openai', { ...same, baseURL: `${baseURL}/` }).chat(hi);
    expect(built.openai).toBe(1);
    await pool.get('openai', { ...same, apiKey: KEY_B }).chat(hi);
    await pool.get('openai', { ...same, baseURL: `${baseURL}/proxy` }).chat(hi);
    await pool.get('openai', { ...same, deadlineMs: 900_000 }).chat(hi);
    await pool.get('deepseek', { apiKey: KEY_A, baseURL: fake.baseURLFor('deepseek') }).chat(hi);
    expect(built.openai).toBe(5);
    expect(pool.size).toBe(5);
    expect(expectDefined(fake.calls.at(-4)).headers.authorization).toBe(`Bearer ${KEY_B}`);
  });

  it('drops one provider or all, and keeps only the most recently used beyond its size', async () => {
    const pool = createProviderClientPool({ maxClients: 2 });
    const baseURL = fake.baseURLFor('openai');
    await pool.get('openai', { apiKey: KEY_A, baseURL }).chat(hi);
    await pool.get('deepseek', { apiKey: KEY_A, baseURL: fake.baseURLFor('deepseek') }).chat(hi);
    await pool.get('openai', { apiKey: KEY_A, baseURL }).chat(hi);
    await pool.get('openai', { apiKey: KEY_B, baseURL }).chat(hi);
    expect(pool.size).toBe(2);
    // DeepSeek was the least recently used: it is built again; OpenAI with KEY_A was kept.
    await pool.get('openai', { apiKey: KEY_A, baseURL }).chat(hi);
    expect(built.openai).toBe(3);
    await pool.get('deepseek', { apiKey: KEY_A, baseURL: fake.baseURLFor('deepseek') }).chat(hi);
    expect(built.openai).toBe(4);
    pool.drop('deepseek');
    expect(pool.size).toBe(1);
    pool.drop();
    expect(pool.size).toBe(0);
    await pool.get('openai', { apiKey: KEY_A, baseURL }).chat(hi);
    expect(built.openai).toBe(5);
  });

  it('refuses a provider without its key like getLLMProvider, and builds nothing', () => {
    const pool = createProviderClientPool();
    expect(() => pool.get('openai', { apiKey: '  ' })).toThrow(expect.objectContaining({ code: 'no_key' }));
    expect(() => getLLMProvider('openai', {})).toThrow(expect.objectContaining({ code: 'no_key' }));
    expect(pool.size).toBe(0);
  });
});
