import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AppError } from '../../electron/core/errors';
import { CachedSecretStore, KeyringSecretStore, MemorySecretStore, probeKeychain, secretAccount, type SecretStore } from '../../electron/core/secrets';
import { buildNodeEntry } from '../helpers/build-node-entry';

const FIX = 'No OS keychain is available: install and start gnome-keyring (or KWallet) so Outreach Desk can store keys, or use a session-only key.';

/** The same behaviour is asked of every SecretStore. */
async function roundTrip(store: SecretStore): Promise<void> {
  const openai = secretAccount('org-1', 'openai');
  const groq = secretAccount('org-1', 'groq');
  expect(openai).toBe('org-1/openai');
  expect(await store.get(openai)).toBeNull();
  await store.set(openai, 'sk-first-key-1234');
  await store.set(groq, 'gsk_other_key_5678');
  expect(await store.get(openai)).toBe('sk-first-key-1234');
  await store.set(openai, 'sk-replaced-key-abcd');
  expect(await store.get(openai)).toBe('sk-replaced-key-abcd');
  expect(await store.get(groq)).toBe('gsk_other_key_5678');
  expect(await store.delete(openai)).toBe(true);
  expect(await store.get(openai)).toBeNull();
  expect(await store.delete(openai)).toBe(false);
  expect(await store.get(groq)).toBe('gsk_other_key_5678');
  expect(await store.delete(groq)).toBe(true);
  await expect(store.set(openai, '')).rejects.toMatchObject({ code: 'validation', field: 'apiKey' });
  expect(await store.get(openai)).toBeNull();
}

describe('KeyringSecretStore (the real keychain, under scripts/with-keyring.sh)', () => {
  it('sets, replaces, reads and deletes keys', async () => {
    await roundTrip(new KeyringSecretStore(`outreach-desk-test-${randomUUID()}`));
  });

  it('keeps services apart, and a new instance reads what another wrote', async () => {
    const service = `outreach-desk-test-${randomUUID()}`;
    await new KeyringSecretStore(service).set('org-2/anthropic', 'sk-ant-persisted-key');
    expect(await new KeyringSecretStore(service).get('org-2/anthropic')).toBe('sk-ant-persisted-key');
    expect(await new KeyringSecretStore(`${service}-other`).get('org-2/anthropic')).toBeNull();
    expect(await new KeyringSecretStore(service).delete('org-2/anthropic')).toBe(true);
  });

  it('probes as available', async () => {
    expect(await probeKeychain(new KeyringSecretStore(`outreach-desk-test-${randomUUID()}`))).toEqual({ available: true });
  });

  it('probes as available while other programs probe too: the desktop app, the CLI and the host each probe at start', async () => {
    // One service, as every Outreach Desk program uses. A probe that wrote, read and deleted one
    // shared entry saw the others' writes and deletions, and called the keychain unavailable.
    const store = new KeyringSecretStore(`outreach-desk-test-${randomUUID()}`);
    const probes = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const results: Array<{ available: boolean }> = [];
        for (let round = 0; round < 10; round++) results.push(await probeKeychain(store));
        return results;
      }),
    );
    expect(probes.flat().filter((p) => !p.available)).toEqual([]);
  });

  it('without a keychain: keychain_unavailable naming the fix, no crash, nothing written anywhere', async () => {
    const child = await buildNodeEntry(join(__dirname, 'fixtures', 'no-keychain.ts'));
    onTestFinished(child.cleanup);
    const home = mkdtempSync(join(tmpdir(), 'outreach-nokeychain-'));
    onTestFinished(() => rmSync(home, { recursive: true, force: true }));
    const canary = `sk-canary-${randomUUID()}`;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: home,
      XDG_DATA_HOME: join(home, 'data'),
      XDG_CONFIG_HOME: join(home, 'config'),
      XDG_RUNTIME_DIR: join(home, 'run'),
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent',
    };
    const proc = spawn(process.execPath, [child.file, 'outreach-desk-test', canary], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (chunk) => (stdout += chunk));
    proc.stderr.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => proc.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const unavailable = { code: 'keychain_unavailable', message: FIX, retryable: false };
    expect(JSON.parse(stdout)).toEqual({
      set: { error: unavailable },
      get: { error: unavailable },
      delete: { error: unavailable },
      probe: { available: false, error: unavailable },
    });
    expect(stdout).not.toContain(canary);
    expect(readdirSync(home)).toEqual([]);
  });
});

describe('MemorySecretStore', () => {
  it('behaves like the keychain', async () => {
    await roundTrip(new MemorySecretStore());
    expect(await probeKeychain(new MemorySecretStore())).toEqual({ available: true });
  });

  it('can stand in for a machine without a keychain', async () => {
    const store = new MemorySecretStore({ available: false });
    const error = await store.set('a', 'sk-abcdefgh').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).toData()).toEqual({ code: 'keychain_unavailable', message: FIX, retryable: false });
    const probe = await probeKeychain(store);
    expect(probe.available).toBe(false);
    expect(probe.error?.code).toBe('keychain_unavailable');
  });
});

describe('CachedSecretStore', () => {
  /** A store that counts reads and can be made to fail. */
  function countingStore() {
    const inner = new MemorySecretStore();
    const counted = {
      reads: 0,
      failNext: false,
      get(account: string) {
        counted.reads++;
        if (counted.failNext) {
          counted.failNext = false;
          return Promise.reject(new AppError('keychain_unavailable', 'locked'));
        }
        return inner.get(account);
      },
      set: (account: string, secret: string) => inner.set(account, secret),
      delete: (account: string) => inner.delete(account),
    };
    return { inner, counted };
  }

  it('behaves like the keychain', async () => {
    await roundTrip(new CachedSecretStore(new MemorySecretStore()));
  });

  it('reads each account once, misses included, and once for concurrent reads', async () => {
    const { inner, counted } = countingStore();
    await inner.set('org/openai', 'sk-cached-key-1234');
    const store = new CachedSecretStore(counted);
    expect(await Promise.all([store.get('org/openai'), store.get('org/openai')])).toEqual(['sk-cached-key-1234', 'sk-cached-key-1234']);
    expect(await store.get('org/openai')).toBe('sk-cached-key-1234');
    expect(await store.get('org/groq')).toBeNull();
    expect(await store.get('org/groq')).toBeNull();
    expect(counted.reads).toBe(2);
  });

  it('writes and removals go through and update it; forget makes the next read ask again', async () => {
    const { inner, counted } = countingStore();
    const store = new CachedSecretStore(counted);
    const changed: string[] = [];
    store.onChange((account) => changed.push(account));
    await store.set('org/openai', 'sk-written-key-1234');
    expect(await inner.get('org/openai')).toBe('sk-written-key-1234');
    expect(await store.get('org/openai')).toBe('sk-written-key-1234');
    expect(await store.delete('org/openai')).toBe(true);
    expect(await inner.get('org/openai')).toBeNull();
    expect(await store.get('org/openai')).toBeNull();
    expect(counted.reads).toBe(0);
    expect(changed).toEqual(['org/openai', 'org/openai']);
    // Another program writes the keychain: unseen until forgotten.
    await inner.set('org/openai', 'sk-elsewhere-key-5678');
    expect(await store.get('org/openai')).toBeNull();
    store.forget(['org/openai']);
    expect(await store.get('org/openai')).toBe('sk-elsewhere-key-5678');
    await inner.set('org/openai', 'sk-third-key-9012');
    store.forget();
    expect(await store.get('org/openai')).toBe('sk-third-key-9012');
    expect(counted.reads).toBe(2);
  });

  it('does not remember a failed read', async () => {
    const { inner, counted } = countingStore();
    await inner.set('org/openai', 'sk-cached-key-1234');
    const store = new CachedSecretStore(counted);
    counted.failNext = true;
    await expect(store.get('org/openai')).rejects.toMatchObject({ code: 'keychain_unavailable' });
    expect(await store.get('org/openai')).toBe('sk-cached-key-1234');
  });
});
