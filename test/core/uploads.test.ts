import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_UPLOAD_BYTES, UPLOAD_CHUNK_BYTES } from '../../shared/ipc/uploads';
import { createCore, MemorySecretStore, silentLogger, type Core } from '../../electron/core';
import { DEFAULT_DB_FILE } from '../../electron/core/storage';
import { createTestInvoke, type TestInvoke } from '../helpers/invoke';
import { uploadBytes } from '../helpers/upload';

const DAY = 24 * 60 * 60 * 1000;

/** A reply the rules leave undecided, and one cut off mid-part, which fails ("This message is damaged"). */
const MESSAGE = (n: number) => `From: lead${n}@example.com\nTo: sam@acme.example\nSubject: Re: forecasts ${n}\n\nThanks, talk soon. MARKER-${n}-IN-THE-MBOX\n`;
const DAMAGED = [
  'From: Dana Okafor <dana@contoso.example>',
  'Subject: Re: Forecasts for Contoso',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="zz"',
  '',
  '--zz',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Thanks Maya, this looks rele',
].join('\n');

function mboxOf(messages: string[]): string {
  return messages.map((m) => `From sender@example.com Thu Nov 26 10:00:00 2026\n${m}\n`).join('');
}

interface Opened extends TestInvoke {
  core: Core;
}

let dirs: string[] = [];
let cores: Core[] = [];

function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'outreach-uploads-'));
  dirs.push(dir);
  return join(dir, 'data');
}

/** A core on `dataDir`, as the app, the CLI or the host opens one; `now` moves its clock. */
async function open(dataDir: string, now?: () => Date): Promise<Opened> {
  const core = await createCore({ dataDir, secrets: new MemorySecretStore(), logger: silentLogger, env: {}, now });
  cores.push(core);
  return { core, ...createTestInvoke(core) };
}

async function close(opened: Opened): Promise<void> {
  await opened.core.services.jobs.runner.close();
  opened.core.close();
  cores = cores.filter((c) => c !== opened.core);
}

const uploadsIn = (dataDir: string) => (existsSync(join(dataDir, 'uploads')) ? readdirSync(join(dataDir, 'uploads')).sort() : []);

afterEach(async () => {
  for (const core of cores) {
    await core.services.jobs.runner.close();
    core.close();
  }
  cores = [];
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

describe('uploads: a file sent a chunk at a time into the data folder (issue 11, point 4)', () => {
  let dataDir: string;
  let app: Opened;
  beforeAll(async () => {
    dataDir = join(mkdtempSync(join(tmpdir(), 'outreach-uploads-shared-')), 'data');
    app = await createCore({ dataDir, secrets: new MemorySecretStore(), logger: silentLogger, env: {} }).then((core) => ({ core, ...createTestInvoke(core) }));
  });
  afterAll(async () => {
    await close(app);
    rmSync(join(dataDir, '..'), { recursive: true, force: true });
  });

  it('appends chunks in order up to the size announced, and refuses one out of order, past the size, or after finish', async () => {
    const { uploadId } = await app.call('uploads:begin', { name: 'inbox.mbox', size: 10 });
    const chunk = (offset: number, text: string) => app.raw('uploads:chunk', { uploadId, offset, dataBase64: Buffer.from(text).toString('base64') });
    expect(await chunk(0, 'hello')).toEqual({ ok: true, value: { received: 5 } });
    // The same chunk again (a retry of one that arrived), and one that skips bytes.
    for (const offset of [0, 7]) {
      expect((await chunk(offset, 'world')).error).toMatchObject({
        code: 'validation',
        field: 'offset',
        message: `This chunk of inbox.mbox starts at byte ${offset}, but 5 bytes have arrived: send the chunk that starts at byte 5.`,
      });
    }
    expect((await app.raw('uploads:finish', { uploadId })).error).toMatchObject({
      code: 'validation',
      message: 'Only 5 of the 10 bytes of inbox.mbox have arrived: send the rest (from byte 5), then finish.',
    });
    expect((await chunk(5, 'world!')).error).toMatchObject({
      code: 'validation',
      field: 'dataBase64',
      message: expect.stringContaining('add up to more than the 10 bytes'),
    });
    expect(await chunk(5, 'world')).toEqual({ ok: true, value: { received: 10 } });
    expect(await app.call('uploads:finish', { uploadId })).toEqual({ uploadId, name: 'inbox.mbox', size: 10 });
    expect(readFileSync(join(dataDir, 'uploads', uploadId, 'inbox.mbox'), 'utf8')).toBe('helloworld');
    expect((await chunk(10, 'more')).error).toMatchObject({
      code: 'conflict',
      message: 'The upload of inbox.mbox is finished: begin a new upload to send the file again.',
    });
  });

  it('takes at most 1 MB a chunk, files up to the upload limit, and only ids uploads:begin gave', async () => {
    const { uploadId } = await app.call('uploads:begin', { name: 'big.csv', size: 3 * UPLOAD_CHUNK_BYTES });
    const over = await app.raw('uploads:chunk', { uploadId, offset: 0, dataBase64: Buffer.alloc(UPLOAD_CHUNK_BYTES + 3).toString('base64') });
    expect(over.error).toMatchObject({ code: 'validation', field: 'dataBase64' });
    expect(await app.call('uploads:chunk', { uploadId, offset: 0, dataBase64: Buffer.alloc(UPLOAD_CHUNK_BYTES).toString('base64') })).toEqual({
      received: UPLOAD_CHUNK_BYTES,
    });
    expect((await app.raw('uploads:begin', { name: 'huge.mbox', size: MAX_UPLOAD_BYTES + 1 })).error).toMatchObject({ code: 'validation', field: 'size' });
    for (const id of ['../../data', 'inbox.mbox', '00000000-0000-0000-0000-00000000000']) {
      expect((await app.raw('uploads:finish', { uploadId: id })).error, id).toMatchObject({ code: 'validation', field: 'uploadId' });
    }
    expect((await app.raw('uploads:finish', { uploadId: '6f1c2a1e-8d3b-4c1a-9f0e-2b7d5c4a3e21' })).error).toMatchObject({
      code: 'not_found',
      message: 'That upload is gone (it was used, discarded, or cleared when Outreach Desk started): choose the file again.',
    });
  });

  it('refuses names with folders, control characters, or dots alone, and keeps every upload in its folder under a safe name', async () => {
    const before = uploadsIn(dataDir);
    for (const name of ['../../escape.eml', '..', '.', 'replies/a.eml', 'C:\\mail\\a.eml', 'a\u0000.eml', 'two\nlines.eml', '']) {
      const refused = await app.raw('uploads:begin', { name, size: 1 });
      expect(refused.error, JSON.stringify(name)).toMatchObject({ code: 'validation', field: 'name' });
    }
    expect(uploadsIn(dataDir)).toEqual(before);
    expect(existsSync(join(dataDir, 'escape.eml'))).toBe(false);
    expect(existsSync(join(dataDir, '..', 'escape.eml'))).toBe(false);

    const long = `${'é'.repeat(150)}.mbox`;
    const names: Array<[string, string]> = [
      ['Q1 report: final?.mbox', 'Q1 report_ final_.mbox'],
      ['CON.eml', '_CON.eml'],
      ['.upload.json', '_upload.json'],
      ['reply.eml. ', 'reply.eml'],
      [long, `${'é'.repeat(97)}.mbox`],
    ];
    for (const [name, safe] of names) {
      const uploadId = await uploadBytes(app.call, name, 'x');
      expect(readdirSync(join(dataDir, 'uploads', uploadId)).sort(), name).toEqual(['.upload.json', safe].sort());
      // The user's name stays what they see.
      expect((await app.call('uploads:finish', { uploadId })).name).toBe(name);
    }
  });

  it('discards an upload, and says so when it was already gone', async () => {
    const uploadId = await uploadBytes(app.call, 'leads.csv', 'Email\na@example.com\n');
    expect(existsSync(join(dataDir, 'uploads', uploadId))).toBe(true);
    expect(await app.call('uploads:discard', { uploadId })).toEqual({ discarded: true });
    expect(existsSync(join(dataDir, 'uploads', uploadId))).toBe(false);
    expect(await app.call('uploads:discard', { uploadId })).toEqual({ discarded: false });
    expect((await app.raw('leads:import-preview', { uploadId })).error).toMatchObject({ code: 'not_found', field: 'uploadId' });
  });

  it('a lead import reads its upload and deletes it; a refused import keeps it, to try again', async () => {
    const latin1 = Buffer.from('Name;Email\nRenée;renee@example.fr\n', 'latin1');
    const uploadId = await uploadBytes(app.call, 'excel.csv', latin1);
    expect(await app.call('leads:import-preview', { uploadId })).toMatchObject({ encoding: 'windows-1252', rowCount: 1 });
    const refused = await app.raw('leads:import', { uploadId, mapping: { Name: 'firstName', Email: 'email' }, encoding: 'utf-8' });
    expect(refused.error).toMatchObject({ code: 'validation', message: expect.stringContaining('not valid UTF-8') });
    expect(existsSync(join(dataDir, 'uploads', uploadId))).toBe(true);
    const imported = await app.call('leads:import', { uploadId, mapping: { Name: 'firstName', Email: 'email' } });
    expect(imported).toMatchObject({ imported: 1, encoding: 'windows-1252' });
    expect(existsSync(join(dataDir, 'uploads', uploadId))).toBe(false);
    expect((await app.raw('leads:import', { uploadId, mapping: { Name: 'firstName' } })).error).toMatchObject({ code: 'not_found' });
  });

  it('refuses an unfinished upload, one a job already reads, and files that hold no message', async () => {
    const { uploadId: unfinished } = await app.call('uploads:begin', { name: 'inbox.mbox', size: 100 });
    expect((await app.raw('jobs:create-classify', { uploadIds: [unfinished], rulesOnly: true })).error).toMatchObject({
      code: 'validation',
      message: 'The upload of inbox.mbox is not finished: send its last chunks and finish it first.',
    });
    const empty = await uploadBytes(app.call, 'empty.mbox', '   ');
    expect((await app.raw('jobs:create-classify', { uploadIds: [empty], rulesOnly: true })).error).toMatchObject({ code: 'validation', field: 'uploadIds' });
    const jobs = app.core.services.jobs;
    const used = await uploadBytes(app.call, 'reply.eml', MESSAGE(1));
    const job = await jobs.createClassifyFromUploads([used], true, { start: false });
    expect((await app.raw('jobs:create-classify', { uploadIds: [used], rulesOnly: true })).error).toMatchObject({
      code: 'conflict',
      message: 'reply.eml is already read by a batch job: choose the file again for another batch.',
    });
    expect((await app.raw('uploads:discard', { uploadId: used })).error).toMatchObject({ code: 'conflict' });
    await app.call('jobs:cancel', { id: job.id });
  });
});

describe('a reply batch made from uploads reads them in place, and they go when the job is done with them (issue 11, point 4)', () => {
  it('builds the job by reference from a multi-chunk mbox: items name places in the file, no message is in the database', async () => {
    const dataDir = tempDataDir();
    const app = await open(dataDir);
    const mbox = mboxOf([MESSAGE(1), MESSAGE(2), MESSAGE(3)]);
    // Chunks of 100 bytes: the file arrives in several parts, as a big one does in 1 MB parts.
    const uploadId = await uploadBytes(app.call, 'inbox.mbox', mbox, 100);
    expect(Buffer.byteLength(mbox)).toBeGreaterThan(300);
    const job = await app.call('jobs:create-classify', { uploadIds: [uploadId], rulesOnly: true });
    expect(job.total).toBe(3);
    expect(job.params.uploadIds).toEqual([uploadId]);
    const org = (await app.call('session:get', undefined)).org;
    const items = app.core.store.forOrg(org.id).jobs.items(job.id, { offset: 0, limit: 10 });
    const file = join(dataDir, 'uploads', uploadId, 'inbox.mbox');
    expect(items.map((i) => i.input)).toEqual(
      [1, 2, 3].map((n) => ({
        name: `inbox.mbox#${n}`,
        file: 'inbox.mbox',
        mboxIndex: n,
        messageId: null,
        path: file,
        offset: expect.any(Number),
        length: expect.any(Number),
      })),
    );
    const settled = await app.core.services.jobs.runner.settled(job.id);
    expect(settled).toMatchObject({ status: 'completed', done: 3, failed: 0 });
    const replies = await app.call('replies:list', {});
    expect(replies.items.map((r) => r.subject).sort()).toEqual(['Re: forecasts 1', 'Re: forecasts 2', 'Re: forecasts 3']);
    // The messages were read from the file, never copied into the job: the database holds no item source.
    await close(app);
    const db = Buffer.concat(
      [DEFAULT_DB_FILE, `${DEFAULT_DB_FILE}-wal`].filter((f) => existsSync(join(dataDir, f))).map((f) => readFileSync(join(dataDir, f))),
    );
    // The message as base64 (as an item of an earlier version held it), at each of its three alignments.
    for (const skip of [0, 1, 2]) {
      const encoded = Buffer.from(MESSAGE(2).slice(skip)).toString('base64').slice(8, 48);
      expect(db.includes(encoded), `alignment ${skip}`).toBe(false);
    }
    // Done with its upload, the job deleted it.
    expect(uploadsIn(dataDir)).toEqual([]);
  });

  it('keeps the uploads of an unfinished job through a restart, and the resumed job reads them, then deletes them', async () => {
    const dataDir = tempDataDir();
    const first = await open(dataDir);
    const mboxId = await uploadBytes(first.call, 'inbox.mbox', mboxOf([MESSAGE(1), MESSAGE(2)]), 64);
    const emlId = await uploadBytes(first.call, 'reply.eml', MESSAGE(3));
    // Made, not run: then the program is gone (a crash, or the window closed).
    const job = await first.core.services.jobs.createClassifyFromUploads([mboxId, emlId], true, { start: false });
    await close(first);

    const second = await open(dataDir);
    expect(uploadsIn(dataDir)).toEqual([mboxId, emlId].sort());
    await second.call('jobs:resume', { id: job.id });
    expect(await second.core.services.jobs.runner.settled(job.id)).toMatchObject({ status: 'completed', done: 3, failed: 0 });
    expect((await second.call('jobs:get', { id: job.id })).items.map((i) => i.input.name)).toEqual(['inbox.mbox#1', 'inbox.mbox#2', 'reply.eml']);
    expect(uploadsIn(dataDir)).toEqual([]);
  });

  it('a cancelled job deletes its uploads; one completed with failures keeps them for Retry, until the start-up a week later', async () => {
    const dataDir = tempDataDir();
    const app = await open(dataDir);
    const cancelled = await uploadBytes(app.call, 'cancel-me.eml', MESSAGE(1));
    const queued = await app.core.services.jobs.createClassifyFromUploads([cancelled], true, { start: false });
    await app.call('jobs:cancel', { id: queued.id });
    expect(uploadsIn(dataDir)).toEqual([]);

    const damaged = await uploadBytes(app.call, 'inbox.mbox', mboxOf([MESSAGE(1), DAMAGED]));
    const job = await app.call('jobs:create-classify', { uploadIds: [damaged], rulesOnly: true });
    expect(await app.core.services.jobs.runner.settled(job.id)).toMatchObject({ status: 'completed', done: 1, failed: 1 });
    expect(uploadsIn(dataDir)).toEqual([damaged]);
    await close(app);

    const tomorrow = await open(dataDir, () => new Date(Date.now() + DAY));
    expect(uploadsIn(dataDir)).toEqual([damaged]);
    await close(tomorrow);
    await open(dataDir, () => new Date(Date.now() + 8 * DAY));
    expect(uploadsIn(dataDir)).toEqual([]);
  });

  it('removes at start-up the uploads no one will use, and keeps those another running program is sending', async () => {
    const dataDir = tempDataDir();
    const app = await open(dataDir);
    const { uploadId: sending } = await app.call('uploads:begin', { name: 'inbox.mbox', size: 1000 });
    await app.call('uploads:chunk', { uploadId: sending, offset: 0, dataBase64: Buffer.from('From a').toString('base64') });
    const finished = await uploadBytes(app.call, 'leads.csv', 'Email\na@example.com\n');
    mkdirSync(join(dataDir, 'uploads', 'not-an-upload'));

    // The CLI starts while the app is sending: the app's uploads stay.
    const cli = await open(dataDir);
    expect(uploadsIn(dataDir)).toEqual([sending, finished].sort());
    await close(cli);
    // The app is gone: the next start removes what it left.
    await close(app);
    await open(dataDir);
    expect(uploadsIn(dataDir)).toEqual([]);
  });
});
