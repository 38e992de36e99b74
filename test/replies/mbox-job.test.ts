import { readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../electron/core';
import { startCoreFixture, type CoreFixture } from '../helpers/core-fixture';
import { expectDefined } from '../helpers/expect-defined';

/**
 * The core's path entry for a batch classify: an mbox file is streamed into job items that
 * refer to each message's place in the file (no message is copied into the database or held in
 * memory), and each item reads its message when it runs. The messages are our own fixtures.
 */

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixture = (name: string) => readFileSync(path.join(fixtures, name), 'latin1');

function toMbox(messages: string[]): string {
  return messages
    .map(
      (message, index) =>
        `From sender${index}@example.com Tue Mar  4 09:${String(index % 60).padStart(2, '0')}:00 2025\n${message.replace(/\r\n/g, '\n').replace(/^(>*From )/gm, '>$1')}\n`,
    )
    .join('\n');
}

describe('createClassifyFromPath: an mbox streamed into a rules-only job', () => {
  let f: CoreFixture;
  let inbox: string;
  /** The organization's rows, to read what a job wrote. */
  const data = () => f.core.store.forOrg(f.core.services.session.current().org.id);

  beforeAll(async () => {
    f = await startCoreFixture({ secrets: new MemorySecretStore() });
    inbox = path.join(f.dir, 'inbox');
    await mkdir(inbox);
  });
  afterAll(() => f.close());

  it('makes one item per message that refers to its span, runs the rules, and keeps per-item errors', async () => {
    const file = path.join(inbox, 'takeout.mbox');
    const cut =
      'From: MAILER-DAEMON@mx.example.net\nSubject: Mail delivery failed\nContent-Type: multipart/report; report-type=delivery-status; boundary="z"\n\n--z\nContent-Type: text/plain\n\nA message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent error.\n--z\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.exa';
    await writeFile(file, toMbox([fixture('bounce/exim.eml'), fixture('out-of-office/german.eml'), fixture('to-the-model/human-plain.eml'), cut]), 'latin1');

    const job = await f.core.services.jobs.createClassifyFromPath(file, true);
    expect(job.total).toBe(4);
    const items = data().jobs.items(job.id, { offset: 0, limit: 10 });
    expect(items.map((item) => item.input.name)).toEqual(['takeout.mbox#1', 'takeout.mbox#2', 'takeout.mbox#3', 'takeout.mbox#4']);
    expect(items.every((item) => item.input.sourceBase64 === undefined && typeof item.input.offset === 'number' && item.input.path === file)).toBe(true);
    expect(items[0]?.input.messageId).toBe('<E1tpQ2v-0001Xy-3k@mail.prospect.example>');

    const settled = await f.core.services.jobs.runner.settled(job.id);
    expect(settled.status).toBe('completed');
    const done = data().jobs.items(job.id, { offset: 0, limit: 10 });
    const decided = done.map((item) => (item.resultId ? (data().replies.get(item.resultId)?.classification ?? null) : item.error?.code));
    expect(decided.slice(0, 3)).toEqual(['bounce', 'out_of_office', null]);
    // The cut-off last message is that message's own outcome: decided as a bounce, or an error naming it.
    expect(done[3]?.status === 'done' ? decided[3] : done[3]?.error?.code).toMatch(/bounce|validation/);

    const page = f.core.services.jobs.get(job.id, { offset: 0, limit: 10 });
    expect(page.items[0]?.input).toMatchObject({ name: 'takeout.mbox#1', bytes: expect.any(Number) });
    expect(page.items[0]?.input.path).toBeUndefined();
  });

  it('stores the start of a large message as its raw text, not the whole of it', async () => {
    const file = path.join(inbox, 'attachment.mbox');
    const pdf = Buffer.alloc(400_000, 3).toString('base64').replace(/.{76}/g, '$&\n');
    const message = `From: Lee <lee@prospect.example>\nTo: rep@seller.example\nSubject: Re: Quote\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="m"\n\n--m\nContent-Type: text/plain\n\nThe signed quote is attached.\n--m\nContent-Type: application/pdf\nContent-Disposition: attachment; filename="quote.pdf"\nContent-Transfer-Encoding: base64\n\n${pdf}\n--m--\n`;
    await writeFile(file, toMbox([message]), 'latin1');
    const job = await f.core.services.jobs.createClassifyFromPath(file, true);
    await f.core.services.jobs.runner.settled(job.id);
    const [item] = data().jobs.items(job.id, { offset: 0, limit: 1 });
    const reply = expectDefined(data().replies.get(expectDefined(expectDefined(item).resultId)));
    expect(reply.rawText.length).toBe(64 * 1024);
    expect(reply.rawText.startsWith('From: Lee <lee@prospect.example>')).toBe(true);
    expect(reply.parsedText).toContain('The signed quote is attached.');
  });

  it('writes the items a slice at a time: a large mbox gets every message, in order', async () => {
    const file = path.join(inbox, 'many.mbox');
    const one = fixture('to-the-model/human-plain.eml');
    await writeFile(file, toMbox(Array.from({ length: 2_345 }, () => one)), 'latin1');
    const job = await f.core.services.jobs.createClassifyFromPath(file, true);
    await f.core.services.jobs.cancel(job.id);
    expect(job.total).toBe(2_345);
    const last = data().jobs.items(job.id, { offset: 2_344, limit: 5 });
    expect(last.map((item) => [item.seq, item.input.name])).toEqual([[2_344, 'many.mbox#2345']]);
    // The results export reads the items a page at a time: one header, every item a row, in order.
    const exported = f.core.services.jobs.export(job.id, 'csv-per-lead', false);
    const rows = Papa.parse<Record<string, string>>(exported.content.trim(), { header: true }).data;
    expect(rows.map((row) => Number(row.item))).toEqual(Array.from({ length: 2_345 }, (_, i) => i + 1));
    expect(rows.filter((row) => row.item === 'item')).toEqual([]);
    expect(rows[2_344]).toMatchObject({ file: 'many.mbox', mboxIndex: '2345' });
  });

  it('fails each item with the fix when its file was moved away before it ran', async () => {
    const file = path.join(inbox, 'moved.mbox');
    await writeFile(file, toMbox([fixture('bounce/qmail.eml'), fixture('bounce/gmail.eml')]), 'latin1');
    const { jobs } = f.core.services;
    // The job is made as the app makes it, then its file moves away before it runs.
    const job = await jobs.createClassifyFromPath(file, true, { start: false });
    expect(job.total).toBe(2);
    await rename(file, path.join(inbox, 'renamed.mbox'));
    jobs.runner.start(job.id);
    await jobs.runner.settled(job.id);
    const items = data().jobs.items(job.id, { offset: 0, limit: 10 });
    expect(items.map((item) => item.status)).toEqual(['failed', 'failed']);
    for (const item of items) expect(item.error).toMatchObject({ code: 'not_found', message: expect.stringMatching(/moved or deleted/) });
  });

  it('refuses a missing path or a file without messages, naming what to give', async () => {
    await expect(f.core.services.jobs.createClassifyFromPath(path.join(inbox, 'nowhere.mbox'), true)).rejects.toMatchObject({
      code: 'validation',
      message: expect.stringMatching(/Cannot read .*folder of \.eml files or an mbox/),
    });
    const empty = path.join(inbox, 'empty.mbox');
    await writeFile(empty, 'no separator here\n');
    await expect(f.core.services.jobs.createClassifyFromPath(empty, true)).rejects.toMatchObject({
      code: 'validation',
      message: expect.stringMatching(/holds no messages/),
    });
  });
});
