import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LLM_PROVIDER_NAMES } from '../../shared/domain/llm';
import { createCore, keychainUnavailableError, MemorySecretStore, silentLogger, type Core } from '../../electron/core';
import { AppError } from '../../electron/core/errors';
import { getLLMProvider, LLMError, type LLMErrorCode } from '../../electron/core/llm';
import { createLLMError } from '../../electron/core/llm/errors';
import { toStorageError } from '../../electron/core/storage/errors';

const CODES: LLMErrorCode[] = [
  'auth',
  'permission',
  'model_not_found',
  'rate_limited',
  'quota_exhausted',
  'overloaded',
  'server',
  'timeout',
  'offline',
  'aborted',
  'content_filtered',
  'context_length',
  'invalid_request',
  'invalid_output',
  'no_key',
];

describe('one error, worded for the surface that shows it', () => {
  it('names the Settings screen in the app and the command in the CLI, for every LLM error and provider', () => {
    for (const provider of LLM_PROVIDER_NAMES) {
      for (const code of CODES) {
        const error = createLLMError(code, provider, { model: 'm-1', envVar: 'X_API_KEY', url: 'http://127.0.0.1:9/v1' });
        const app = error.messageFor('app');
        const cli = error.messageFor('cli');
        expect(app, `${provider} ${code}`).toBe(error.message);
        expect(app, `${provider} ${code}`).not.toContain('outreach-desk');
        expect(cli, `${provider} ${code}`).not.toMatch(/Settings →|restart Outreach Desk/);
        // Where the app sends the user to a screen, the CLI gives a command instead.
        if (app.includes('Settings →')) expect(cli, `${provider} ${code}`).toMatch(/"outreach-desk [a-z]+ [^"]+"|--provider|--model/);
        // toData is what crosses IPC and what the CLI prints.
        expect(error.toData('cli').message).toBe(cli);
        expect(error.toData().message).toBe(app);
      }
    }
    expect(createLLMError('no_key', 'openai', { envVar: 'OPENAI_API_KEY' }).messageFor('cli')).toBe(
      'No OpenAI key is set: add one with "outreach-desk keys set openai", or set OPENAI_API_KEY.',
    );
    expect(createLLMError('auth', 'groq').messageFor('cli')).toBe('The Groq key was rejected: set a new key with "outreach-desk keys set groq".');
    // Our own deadline: the app names the provider's Timeout setting, the CLI the command that sets it.
    const timeout = createLLMError('timeout', 'groq', { deadlineMs: 5000 });
    expect(timeout.message).toBe('Groq did not answer within 5 s. Try again, raise the timeout in Settings → Providers → Groq, or switch provider.');
    expect(timeout.messageFor('cli')).toBe(
      'Groq did not answer within 5 s. Try again, raise the timeout with "outreach-desk settings set timeout.groq=SECONDS", or switch provider.',
    );
  });

  it('says "run the command again" in the CLI where the app says "restart Outreach Desk"', () => {
    const corrupt = toStorageError(Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' }), '/data/outreach-desk.db');
    expect(corrupt.message).toContain('restart Outreach Desk');
    expect(corrupt.messageFor('cli')).not.toContain('restart Outreach Desk');
    expect(corrupt.messageFor('cli')).toContain('run the command again');
    expect(corrupt.messageFor('cli')).toContain('--start-fresh');

    const keychain = keychainUnavailableError();
    expect(keychain.messageFor('cli')).toContain('sudo apt-get install gnome-keyring libsecret-1-0');
    expect(keychain.messageFor('cli')).toContain('OPENAI_API_KEY');
    expect(keychain.messageFor('cli')).not.toMatch(/restart Outreach Desk|session-only/);
    expect(keychain.message).toBe(keychain.messageFor('app'));
  });

  it('keeps plain-text messages as they are on every surface', () => {
    const error = new AppError('validation', 'Pick a lead or type one in.');
    expect(error.messageFor('cli')).toBe('Pick a lead or type one in.');
    expect(error.toData('cli')).toEqual(error.toData('app'));
  });
});

describe('a core created for the CLI words its errors for the CLI', () => {
  let dir: string;
  const cores: Core[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'outreach-wording-'));
  });

  afterAll(() => {
    for (const core of cores) core.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function coreFor(surface: 'app' | 'cli') {
    const core = await createCore({ dataDir: join(dir, surface), secrets: new MemorySecretStore(), env: {}, logger: silentLogger, surface });
    cores.push(core);
    return core;
  }

  it('no_key: the command in the CLI, the screen in the app', async () => {
    const noEvents = { emit: () => {} };
    const cli = await (await coreFor('cli')).dispatch('llm:test', { provider: 'anthropic' }, noEvents);
    const app = await (await coreFor('app')).dispatch('llm:test', { provider: 'anthropic' }, noEvents);
    expect(cli).toMatchObject({ ok: false, error: { code: 'no_key' } });
    expect(app).toMatchObject({ ok: false, error: { code: 'no_key' } });
    const message = (r: typeof cli) => (r.ok ? '' : r.error.message);
    expect(message(cli)).toBe('No Anthropic key is set: add one with "outreach-desk keys set anthropic", or set ANTHROPIC_API_KEY.');
    expect(message(app)).toBe('No Anthropic key is set: add one in Settings → Providers → Anthropic, or set ANTHROPIC_API_KEY.');
  });
});

describe('an offline error names the URL it tried', () => {
  let closedPort: number;

  beforeAll(async () => {
    // A port that was just free: nothing listens there, so the connection is refused.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closedPort = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it.each(['local', 'openai', 'anthropic', 'gemini', 'groq'] as const)('%s', async (provider) => {
    const url = `http://127.0.0.1:${closedPort}${provider === 'local' || provider === 'openai' ? '/v1' : ''}`;
    const client = getLLMProvider(provider, { apiKey: 'sk-test-offline-0000', baseURL: url, retry: false, deadlineMs: 60_000 });
    const error = await client.chat([{ role: 'user', content: 'Hi' }]).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LLMError);
    expect((error as LLMError).code).toBe('offline');
    expect((error as LLMError).message).toContain(` at ${url}:`);
    expect((error as LLMError).messageFor('cli')).toContain(`"outreach-desk settings set baseUrl.${provider}=URL"`);
  });
});
