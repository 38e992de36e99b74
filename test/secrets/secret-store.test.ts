import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AppError } from '../../electron/core/errors';
import { KeyringSecretStore, MemorySecretStore, probeKeychain, secretAccount, type SecretStore } from '../../electron/core/secrets';
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
    const error = await store.set('a', 'sk-abcdefgh').then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).toData()).toEqual({ code: 'keychain_unavailable', message: FIX, retryable: false });
    const probe = await probeKeychain(store);
    expect(probe.available).toBe(false);
    expect(probe.error?.code).toBe('keychain_unavailable');
  });
});
