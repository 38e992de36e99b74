import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../electron/core/errors';
import { applyReplyRules, parseEmail, readReplySources, splitMbox, type ParsedEmail } from '../../electron/core/replies';
import { buildEmail, replyHeaders } from './build-email';

const first = buildEmail(replyHeaders(), 'First reply.\n>From the quoted mail\n>>From a deeper quote\nFrom here on the body has an unescaped line.');
const second = buildEmail([['From', 'MAILER-DAEMON@mx.example.net'], ['Subject', 'Undelivered Mail Returned to Sender'], ['Return-Path', '<>']], 'This is the mail system at host mx.example.net.\n\nI\'m sorry to have to inform you that your message could not\nbe delivered to one or more recipients.');
const truncated = buildEmail(replyHeaders([['Content-Type', 'multipart/mixed; boundary="x"']]), '--x\nContent-Type: text/plain\n\nYes, let us ta');

function mbox(...messages: string[]): string {
  return messages.map((message, index) => `From sender${index}@example.com Tue Mar  4 09:1${index}:00 2025\n${message}\n`).join('\n');
}

describe('splitMbox', () => {
  it('splits on From lines, unescapes >From lines by one level and keeps unescaped body lines inside their message', () => {
    const messages = splitMbox(mbox(first, second));
    expect(messages).toHaveLength(2);
    expect(messages[0]).toContain('\nFrom the quoted mail\n');
    expect(messages[0]).toContain('\n>From a deeper quote\n');
    expect(messages[0]).toContain('From here on the body has an unescaped line.');
    expect(messages[1]).toMatch(/^From: MAILER-DAEMON@mx\.example\.net/);
  });

  it('splits a Buffer with CRLF line ends the same way', () => {
    const messages = splitMbox(Buffer.from(mbox(first, second).replace(/\n/g, '\r\n')));
    expect(messages).toHaveLength(2);
    expect(messages[1]).toContain('could not');
  });

  it('returns a truncated last message, and parsing reports it for that message alone', async () => {
    const messages = splitMbox(`${mbox(first, second)}\nFrom cut@example.com Tue Mar  4 09:30:00 2025\n${truncated}`);
    expect(messages).toHaveLength(3);
    const parsed = await Promise.all(messages.map((message) => parseEmail(message)));
    expect(parsed[2]?.warnings.join(' ')).toMatch(/truncated/);
    expect(parsed[2]?.text).toContain('Yes, let us ta');
    expect(applyReplyRules(parsed[1] as ParsedEmail)?.classification).toBe('bounce');
  });

  it('returns nothing for text that is not an mbox', () => {
    expect(splitMbox('Subject: hi\n\nno separator here\n')).toEqual([]);
  });
});

describe('readReplySources', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'replies-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a folder of .eml files and the mbox files in it, sorted by name, bytes unchanged', async () => {
    const latin1 = Buffer.concat([Buffer.from(buildEmail(replyHeaders([['Content-Type', 'text/plain; charset=ISO-8859-1']]), '')), Buffer.from([0x4f, 0x75, 0x69, 0x20, 0xe0, 0x20, 0x6d, 0x61, 0x72, 0x64, 0x69])]);
    await writeFile(path.join(dir, 'b.eml'), latin1);
    await writeFile(path.join(dir, 'a.eml'), first);
    await writeFile(path.join(dir, 'c.mbox'), Buffer.concat([Buffer.from('From x@example.com Tue Mar  4 09:10:00 2025\n'), latin1, Buffer.from('\n')]));
    await writeFile(path.join(dir, 'notes.pdf'), 'not mail');
    const sources = await readReplySources(dir);
    expect(sources.map((source) => source.name)).toEqual(['a.eml', 'b.eml', 'c.mbox#1']);
    expect((await parseEmail(sources[1]?.source ?? '')).text.trim()).toBe('Oui à mardi');
    expect((await parseEmail(sources[2]?.source ?? '')).text.trim()).toBe('Oui à mardi');
  });

  it('reads one mbox file, naming each message by its position', async () => {
    const file = path.join(dir, 'inbox');
    await writeFile(file, mbox(first, second, truncated));
    const sources = await readReplySources(file);
    expect(sources.map((source) => source.name)).toEqual(['inbox#1', 'inbox#2', 'inbox#3']);
  });

  it('reads a single .eml file', async () => {
    const file = path.join(dir, 'one.eml');
    await writeFile(file, first);
    expect(await readReplySources(file)).toEqual([{ name: 'one.eml', source: Buffer.from(first) }]);
  });

  it('says what to give when the path is missing or holds no mail', async () => {
    await expect(readReplySources(path.join(dir, 'missing'))).rejects.toMatchObject({ code: 'not_found' });
    const error = await readReplySources(dir).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toMatch(/no \.eml or \.mbox files/);
  });
});
