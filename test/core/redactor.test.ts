/**
 * The one redactor (`redactSecrets` in electron/core/log.ts): registered keys anywhere, plus key
 * shapes anchored to the vendors' real formats, and never the middle of a word or a path.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../electron/core/errors';
import { containsSecret, createLogger, redactSecrets, registerSecret } from '../../electron/core/log';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, openStore, type Migration } from '../../electron/core/storage';
import { tempDir } from '../storage/temp-dir';
import { expectDefined } from '../helpers/expect-defined';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function randomFrom(chars: string, length: number): string {
  return [...randomBytes(length)].map((b) => chars[b % chars.length]).join('');
}

/** Keys in each vendor's published format (random, never real). */
const VENDOR_KEYS = {
  'OpenAI project': `sk-proj-${randomFrom(`${ALNUM}_-`, 120)}`,
  'OpenAI service account': `sk-svcacct-${randomFrom(`${ALNUM}_-`, 100)}`,
  'OpenAI admin': `sk-admin-${randomFrom(`${ALNUM}_-`, 80)}`,
  'OpenAI legacy': `sk-${randomFrom(ALNUM, 20)}T3BlbkFJ${randomFrom(ALNUM, 20)}`,
  Anthropic: `sk-ant-api03-${randomFrom(`${ALNUM}_-`, 93)}AA`,
  'Anthropic admin': `sk-ant-admin01-${randomFrom(`${ALNUM}_-`, 93)}AA`,
  DeepSeek: `sk-${randomFrom('0123456789abcdef', 32)}`,
  Groq: `gsk_${randomFrom(ALNUM, 52)}`,
  Gemini: `AIza${randomFrom(`${ALNUM}_-`, 35)}`,
};

/** Text that holds `sk-`, `gsk_` or `AIza` inside words and paths, and no key. */
const NOT_KEYS = [
  '/home/ana/.config/Outreach Desk/backups/outreach-desk-v3-20260101T120000000Z.db',
  'C:\\Users\\ana\\AppData\\Roaming\\Outreach Desk\\backups\\outreach-desk-v12-20261130T235959999Z.db',
  '/srv/helpdesk-archive2026/outreach-desk.db',
  '/data/risk-assessment-2026-q1/desk-notes-2026-backup/task-management-exports',
  'The helpdesk-archive2026 folder and the task-force-reports-2026 folder are fine.',
  'outreach-desk-v3-20260101T000000000Z',
  'https://example.com/desk-top-sellers-2026/asks-questions-daily',
  'disk-usage-report-2026-11-30.csv',
];

describe('redactSecrets', () => {
  it.each(Object.entries(VENDOR_KEYS))('masks a %s key wherever it stands', (_vendor, key) => {
    for (const text of [key, `Incorrect API key provided: ${key}.`, `{"key":"${key}"}`, `url?key=${key}&x=1`, `Bearer ${key}`, `(${key})`]) {
      const out = redactSecrets(text);
      expect(out).not.toContain(key);
      expect(out).not.toContain(key.slice(8, 24));
      expect(out).toContain('[redacted]');
    }
  });

  it.each(NOT_KEYS)('leaves words and paths alone: %s', (text) => {
    expect(redactSecrets(text)).toBe(text);
  });

  it('masks a registered key anywhere, even inside a word or a path', () => {
    const key = `custom-${randomFrom(ALNUM, 24)}`;
    registerSecret(key);
    expect(redactSecrets(`/tmp/x${key}y/z`)).toBe('/tmp/x[redacted]y/z');
  });

  it('containsSecret says exactly when redactSecrets would change a text', () => {
    const texts = [...Object.values(VENDOR_KEYS), ...NOT_KEYS, 'Authorization: Bearer abc', 'req_011CaJCR7Pm2Jh2LbWpBH5Y6', 'gpt-6-sol'];
    for (const text of texts) expect(containsSecret(text), text).toBe(redactSecrets(text) !== text);
    // Stateless: asking twice gives the same answer (no global-regex lastIndex left behind).
    expect(containsSecret(VENDOR_KEYS.Groq)).toBe(true);
    expect(containsSecret(VENDOR_KEYS.Groq)).toBe(true);
  });

  it('masks key headers in any spelling', () => {
    expect(redactSecrets('Authorization: Bearer abc.def-ghi')).toBe('Authorization: [redacted]');
    expect(redactSecrets('{"x-api-key":"abcdef123456"}')).toBe('{"x-api-key":"[redacted]"}');
    expect(redactSecrets('x-goog-api-key=abcdef123456')).toBe('x-goog-api-key=[redacted]');
  });

  it('keeps paths intact in log lines', () => {
    const lines: string[] = [];
    const logger = createLogger({ sink: (line) => lines.push(line) });
    logger.info('opened', { path: NOT_KEYS[0], other: NOT_KEYS[2] });
    expect(JSON.parse(expectDefined(lines[0]))).toMatchObject({ path: NOT_KEYS[0], other: NOT_KEYS[2] });
  });

  it('keeps the backup path of a failed migration intact in the message the user sees', () => {
    const dataDir = join(tempDir(), 'helpdesk-archive2026');
    mkdirSync(dataDir);
    openStore({ dataDir }).close();
    const failing: Migration = {
      version: LATEST_SCHEMA_VERSION + 1,
      name: 'broken',
      up: () => {
        throw new Error('boom');
      },
    };
    let caught: unknown;
    try {
      openStore({ dataDir, migrations: [...MIGRATIONS, failing] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    const message = (caught as AppError).toData().message;
    const backup = /A copy made before the update is at (.+\.db)\./.exec(message)?.[1];
    expect(backup).toBeDefined();
    expect(backup).toMatch(/helpdesk-archive2026[/\\]backups[/\\]outreach-desk-v\d+-\d{8}T\d+Z\.db$/);
    expect(message).not.toContain('[redacted]');
  });
});
