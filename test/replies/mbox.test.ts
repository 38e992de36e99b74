import { mkdtemp, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../electron/core/errors';
import {
  applyReplyRules,
  listReplySources,
  parseEmail,
  readReplySource,
  readReplySources,
  scanMboxFile,
  splitMbox,
  type ParsedEmail,
  type ReplySourceRef,
} from '../../electron/core/replies';
import { type MboxSpan, MboxScanner, readReplySourceSync, unescapeMboxMessage } from '../../electron/core/replies/mbox';
import { MAX_SOURCE_BYTES } from '../../electron/core/replies/parse-email';
import { buildEmail, replyHeaders } from './build-email';
import { expectDefined } from '../helpers/expect-defined';

const first = buildEmail(replyHeaders(), 'First reply.\n>From the quoted mail\n>>From a deeper quote\nFrom here on the body has an unescaped line.');
const second = buildEmail(
  [
    ['From', 'MAILER-DAEMON@mx.example.net'],
    ['Subject', 'Undelivered Mail Returned to Sender'],
    ['Return-Path', '<>'],
  ],
  "This is the mail system at host mx.example.net.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients.",
);
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
    const latin1 = Buffer.concat([
      Buffer.from(buildEmail(replyHeaders([['Content-Type', 'text/plain; charset=ISO-8859-1']]), '')),
      Buffer.from([0x4f, 0x75, 0x69, 0x20, 0xe0, 0x20, 0x6d, 0x61, 0x72, 0x64, 0x69]),
    ]);
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

/** An mbox with every edge the splitter knows: CRLF, escapes, a long line, a body "From " line, blank and cut-off messages. */
function edgeCaseMbox(): Buffer {
  const longLine = 'A'.repeat(5000);
  const withId = buildEmail(
    [...replyHeaders().filter(([name]) => name !== 'Message-ID'), ['Message-ID', '<long-1@prospect.example>']],
    `Attachment follows.\n${longLine}\n${longLine}B\nFrom the desk of Dana, no separator without a blank line`,
  );
  const folded =
    'From: dana@prospect.example\nMessage-ID:\n <folded-2@prospect.example>\nSubject: Folded id\n\n\nFrom here on a body line after a blank line, but no time in it\n';
  return Buffer.concat([
    Buffer.from('This preamble is not a message.\n\n'),
    Buffer.from(mbox(first, withId, folded).replace(/\n/g, '\r\n')),
    Buffer.from('\nFrom blank@example.com Tue Mar  4 09:20:00 2025\n \t\n\n'),
    Buffer.from(`From cut@example.com Tue Mar  4 09:30:00 2025\n${truncated}`),
  ]);
}

function scanInChunks(source: Buffer, size: number): Array<{ offset: number; length: number; messageId: string | null }> {
  const scanner = new MboxScanner();
  const spans: MboxSpan[] = [];
  for (let index = 0; index < source.length; index += size) spans.push(...scanner.push(source.subarray(index, index + size)));
  spans.push(...scanner.end());
  return spans;
}

describe('the streaming mbox scanner', () => {
  const source = edgeCaseMbox();

  it('finds the same messages whatever the chunk size, and as the whole-buffer splitter does', () => {
    const whole = scanInChunks(source, source.length);
    expect(whole).toHaveLength(4);
    for (const size of [1, 2, 3, 5, 7, 64, 1000, 1023, 1024, 1025, 4096]) expect(scanInChunks(source, size), `chunks of ${size}`).toEqual(whole);
    const messages = whole.map((span) => unescapeMboxMessage(source.subarray(span.offset, span.offset + span.length)).toString('utf8'));
    expect(messages).toEqual(splitMbox(source));
    expect(messages[1]).toContain('From the desk of Dana, no separator');
    expect(messages[1]).toContain(`${'A'.repeat(5000)}B`);
    expect(messages[2]).toContain('From here on a body line after a blank line');
    expect(messages[3]).toContain('Yes, let us ta');
  });

  it("reads each message's Message-ID, folded or not", () => {
    expect(scanInChunks(source, 7).map((span) => span.messageId)).toEqual([
      '<reply-1@prospect.example>',
      '<long-1@prospect.example>',
      '<folded-2@prospect.example>',
      '<reply-1@prospect.example>',
    ]);
  });

  it('keeps only the head of a line, so a line of many megabytes costs no memory', () => {
    const scanner = new MboxScanner();
    scanner.push(Buffer.from('From a@example.com Tue Mar  4 09:10:00 2025\nSubject: x\n\n'));
    for (let i = 0; i < 64; i++) scanner.push(Buffer.alloc(256 * 1024, 0x41));
    const held = (scanner as unknown as { partial: Buffer[] }).partial.reduce((sum, piece) => sum + piece.length, 0);
    expect(held).toBeLessThanOrEqual(1024);
    expect(scanner.end()).toEqual([expect.objectContaining({ offset: 44, length: 12 + 64 * 256 * 1024 })]);
  });
});

describe('listReplySources and readReplySource (streaming)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'replies-stream-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lists an mbox file as references and reads each message byte for byte as the splitter gives it', async () => {
    const file = path.join(dir, 'takeout.mbox');
    const source = edgeCaseMbox();
    await writeFile(file, source);
    const refs: ReplySourceRef[] = [];
    for await (const ref of listReplySources(file)) refs.push(ref);
    expect(refs.map((ref) => [ref.name, ref.file, ref.mboxIndex])).toEqual([
      ['takeout.mbox#1', 'takeout.mbox', 1],
      ['takeout.mbox#2', 'takeout.mbox', 2],
      ['takeout.mbox#3', 'takeout.mbox', 3],
      ['takeout.mbox#4', 'takeout.mbox', 4],
    ]);
    const read = await Promise.all(refs.map((ref) => readReplySource(ref)));
    expect(read.map((message) => message.toString('utf8'))).toEqual(splitMbox(source));
    // The blocking read a worker thread uses gives the same bytes.
    expect(refs.map((ref) => readReplySourceSync(ref))).toEqual(read);
    let scanned = 0;
    for await (const span of scanMboxFile(file)) scanned += span.length > 0 ? 1 : 0;
    expect(scanned).toBe(4);
  });

  it("reads at most one byte past the parser's limit, so an oversized message gets the parser's own error", async () => {
    const file = path.join(dir, 'big.mbox');
    const body = Buffer.alloc(MAX_SOURCE_BYTES + 1024, 0x41);
    await writeFile(
      file,
      Buffer.concat([
        Buffer.from(`From a@example.com Tue Mar  4 09:10:00 2025\n${buildEmail(replyHeaders(), '')}`),
        body,
        Buffer.from(`\n\nFrom b@example.com Tue Mar  4 09:11:00 2025\n${first}\n`),
      ]),
    );
    const refs: ReplySourceRef[] = [];
    for await (const ref of listReplySources(file)) refs.push(ref);
    expect(refs).toHaveLength(2);
    const big = await readReplySource(expectDefined(refs[0]));
    expect(big.length).toBe(MAX_SOURCE_BYTES + 1);
    expect(readReplySourceSync(expectDefined(refs[0])).equals(big)).toBe(true);
    await expect(parseEmail(big)).rejects.toMatchObject({ code: 'validation', message: expect.stringMatching(/larger than 25 MB/) });
    expect((await parseEmail(await readReplySource(expectDefined(refs[1])))).text).toContain('First reply.');
  });

  it('says what to do when the file was moved or cut after it was listed', async () => {
    const file = path.join(dir, 'inbox.mbox');
    await writeFile(file, mbox(first, second));
    const refs: ReplySourceRef[] = [];
    for await (const ref of listReplySources(file)) refs.push(ref);
    await truncate(file, expectDefined(expectDefined(refs[1]).offset) + 10);
    await expect(readReplySource(expectDefined(refs[1]))).rejects.toMatchObject({ code: 'validation', message: expect.stringMatching(/changed since/) });
    expect(() => readReplySourceSync(expectDefined(refs[1]))).toThrow(
      expect.objectContaining({ code: 'validation', message: expect.stringMatching(/changed since/) }),
    );
    await rename(file, path.join(dir, 'elsewhere.mbox'));
    await expect(readReplySource(expectDefined(refs[0]))).rejects.toMatchObject({ code: 'not_found', message: expect.stringMatching(/moved or deleted/) });
    expect(() => readReplySourceSync(expectDefined(refs[0]))).toThrow(
      expect.objectContaining({ code: 'not_found', message: expect.stringMatching(/moved or deleted/) }),
    );
  });

  it('lists a big folder with blocking reads, and lets the event loop run between files', async () => {
    const count = 3000;
    await Promise.all(
      Array.from({ length: count }, (_, i) => writeFile(path.join(dir, `${String(i).padStart(5, '0')}.eml`), buildEmail(replyHeaders(), `Reply ${i}.`))),
    );
    // Turns of the event loop taken while the listing runs: none would be taken if it never yielded.
    let turns = 0;
    let listing = true;
    const spin = () => {
      if (!listing) return;
      turns++;
      setImmediate(spin);
    };
    setImmediate(spin);
    const names: string[] = [];
    for await (const ref of listReplySources(dir)) {
      // Counted from the first file on: reading the folder itself took turns of its own.
      if (names.push(ref.name) === 1) turns = 0;
    }
    listing = false;
    expect(names).toHaveLength(count);
    expect(names[0]).toBe('00000.eml');
    // 3,000 stats take well over the yielder's 8 ms slice.
    expect(turns).toBeGreaterThan(0);
  });
});
