import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../electron/core/errors';
import { applyReplyRules, parseEmail, readReplySources, type RuleDecision } from '../../electron/core/replies';
import { buildEmail, replyHeaders } from './build-email';

type Outcome = { name: string; decision: RuleDecision | null } | { name: string; error: string };

/** What a batch does with each source: parse and decide it, or record its error and go on. */
async function decideAll(dir: string): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const { name, source } of await readReplySources(dir)) {
    try {
      outcomes.push({ name, decision: applyReplyRules(await parseEmail(source)) });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      outcomes.push({ name, error: error.code });
    }
  }
  return outcomes;
}

describe('broken input in a batch', () => {
  it('gives a per-item result for an mbox with a truncated message and a file of garbage bytes, without crashing', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'replies-broken-'));
    try {
      const ooo = buildEmail(
        replyHeaders([
          ['Auto-Submitted', 'auto-replied'],
          ['Subject', 'Out of office'],
        ]),
        'I am out of the office until 10 March.',
      );
      const cut = buildEmail(
        [
          ['From', 'MAILER-DAEMON@mx.example.net'],
          ['Subject', 'Mail delivery failed'],
          ['Content-Type', 'multipart/report; report-type=delivery-status; boundary="z"'],
        ],
        '--z\nContent-Type: text/plain\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error.\n--z\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.exa',
      );
      await writeFile(path.join(dir, 'inbox.mbox'), `From a@x Tue Mar  4 09:10:00 2025\n${ooo}\n\nFrom b@x Tue Mar  4 09:11:00 2025\n${cut}`);
      await writeFile(path.join(dir, 'garbage.eml'), Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 131 + 7) % 256)));
      await writeFile(path.join(dir, 'empty.eml'), '');
      const outcomes = await decideAll(dir);
      expect(outcomes).toEqual([
        { name: 'empty.eml', error: 'validation' },
        { name: 'garbage.eml', error: 'validation' },
        { name: 'inbox.mbox#1', decision: expect.objectContaining({ classification: 'out_of_office', returnDate: '2025-03-10' }) },
        { name: 'inbox.mbox#2', decision: expect.objectContaining({ classification: 'bounce' }) },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('does not crash on malformed headers, a missing boundary or an unknown charset', async () => {
    const samples = [
      'From: \nSubject: =?utf-8?B?!!!?=\nContent-Type: multipart/mixed\n\nno boundary given',
      'Content-Type: text/plain; charset=x-unknown-charset\nSubject: hi\n\nbody \xff\xfe',
      'Subject: only a header',
      `Date: not a date\nFrom: <<<>>>\n\n${'>'.repeat(5000)}`,
    ];
    for (const sample of samples) {
      const email = await parseEmail(sample);
      expect(typeof email.text).toBe('string');
      expect(() => applyReplyRules(email)).not.toThrow();
    }
  });
});
