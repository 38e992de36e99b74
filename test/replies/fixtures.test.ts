import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyReplyRules, parseEmail, type ParsedEmail } from '../../electron/core/replies';
import { MTA_BOUNCE_TEXTS } from '../../electron/core/replies/delivery-rules';
import { expectDefined } from '../helpers/expect-defined';

/**
 * The pre-filter's own fixtures: hand-written messages, one or more per rule family, so every
 * rule is tested without the shared corpus. `fixtures/expected.csv` says what each message must
 * get: a class and the rule that decides it, or `undecided` (left to the model).
 */

const fixturesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

interface Expectation {
  file: string;
  class: 'bounce' | 'out_of_office' | 'unsubscribe' | 'other' | 'undecided';
  rule: string;
  family: string;
}

const expectations = Papa.parse<Expectation>(readFileSync(path.join(fixturesDir, 'expected.csv'), 'utf8'), { header: true, skipEmptyLines: true }).data;

function listFixtures(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFixtures(path.join(dir, entry.name), `${prefix}${entry.name}/`) : entry.name.endsWith('.eml') ? [`${prefix}${entry.name}`] : [],
  );
}

/**
 * The families issues 9 and 11 name: each must have at least one fixture. Bounce text patterns
 * are checked one by one below (every MTA text has a fixture that uses it).
 */
const REQUIRED_FAMILIES = [
  // bounces: DSN parts, MTA texts, and the relayed or list-managed kinds
  'dsn',
  'dsn-status',
  'dsn-expired-4xx',
  'mta-text',
  'ses-bounce',
  'list-relayed-bounce',
  'list-manager-bounce',
  'bounce-subject',
  // machine mail that is no bounce
  'delay-dsn',
  'delay-4xx-retry',
  'delay-postfix-text',
  'delay-exim',
  'challenge-response',
  'receipt',
  'read-receipt',
  'dmarc-forensic',
  'dmarc-aggregate',
  'arf-not-complaint',
  // auto-reply headers, subjects and texts
  'auto-submitted',
  'x-autoreply',
  'x-autorespond',
  'precedence-auto-reply',
  'x-auto-response-suppress',
  'auto-generated-with-subject',
  'auto-generated-reply',
  'auto-subject',
  'away-text',
  'left-company',
  'precedence-with-away-text',
  // unsubscribes and complaints
  'complaint-arf',
  'complaint-jmrp',
  'complaint-ses',
  'one-click-gmail',
  'one-click-apple-mail',
  'one-click-empty',
  'unsubscribe-request',
  'unsubscribe-subject',
  // look-alikes that go to the model
  'precedence-bulk-alone',
  'list-mail',
  'daemon-sender-alone',
  'question-mentions-unsubscribe',
  'forwarded-bounce',
  'person-mentions-absence',
  'auto-generated-notification',
  'human',
  // the parser
  'empty-content-type',
];

const parsed = new Map<string, ParsedEmail>();

beforeAll(async () => {
  for (const { file } of expectations) parsed.set(file, await parseEmail(readFileSync(path.join(fixturesDir, file))));
});

describe('the hand-written rule fixtures', () => {
  it('lists every fixture file in expected.csv, and nothing that is not on disk', () => {
    expect(expectations.map((row) => row.file).sort()).toEqual(listFixtures(fixturesDir).sort());
  });

  it('covers every rule family the issues name', () => {
    const families = new Set(expectations.map((row) => row.family));
    expect(REQUIRED_FAMILIES.filter((family) => !families.has(family))).toEqual([]);
  });

  it('holds a bounce fixture for every MTA text pattern, and each mta-text fixture uses one', () => {
    const bounces = expectations.filter((row) => row.class === 'bounce').map((row) => expectDefined(parsed.get(row.file)).text);
    const unused = MTA_BOUNCE_TEXTS.filter(({ pattern }) => !bounces.some((text) => pattern.test(text))).map(({ mta, pattern }) => `${mta}: ${pattern.source}`);
    expect(unused).toEqual([]);
    const withoutPattern = expectations
      .filter((row) => row.family === 'mta-text' && !MTA_BOUNCE_TEXTS.some(({ pattern }) => pattern.test(expectDefined(parsed.get(row.file)).text)))
      .map((row) => row.file);
    expect(withoutPattern).toEqual([]);
  });
});

describe('each fixture gets its class from its rule', () => {
  for (const row of expectations) {
    it(`${row.file} → ${row.class}${row.rule ? ` (${row.rule})` : ''}`, () => {
      const decision = applyReplyRules(expectDefined(parsed.get(row.file)));
      if (row.class === 'undecided') {
        expect(decision, `${row.file} should go to the model`).toBeNull();
        return;
      }
      expect(decision).toMatchObject({ classification: row.class, rule: row.rule });
      const action = row.class === 'bounce' || row.class === 'unsubscribe' ? 'stop_sequence' : row.class === 'other' ? 'none' : undefined;
      if (action) expect(decision?.suggestedAction).toBe(action);
    });
  }
});

describe('parts with an empty Content-Type', () => {
  it('parse without a crash: the part is read as text/plain, the attachment is kept', () => {
    const email = expectDefined(parsed.get('parser/empty-content-type.eml'));
    expect(email.text).toContain('Yes, send me the pricing.');
    expect(email.parts).toEqual([expect.objectContaining({ filename: 'notes.bin', contentType: 'text/plain' })]);
  });

  it('parse in a report too, where the body part is base64', () => {
    const email = expectDefined(parsed.get('parser/empty-content-type-report.eml'));
    expect(email.text).toContain('First part with only a semicolon.');
    expect(email.dsn).toBeNull();
  });
});
