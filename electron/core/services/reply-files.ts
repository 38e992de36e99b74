import { closeSync, openSync, readSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../errors';
import { listReplySources, readReplySource, type ReplySourceRef } from '../replies';

/** One message to classify, named for reports: its file (relative to the folder read) and its place in an mbox. */
export interface ReplyFile {
  /** "inbox.mbox#3" or "2026/06/reply.eml": what progress and errors show. */
  name: string;
  file: string;
  /** 1-based message number within an mbox; null for a file holding one message. */
  mboxIndex: number | null;
  content: Buffer;
}

/**
 * A message to classify by reference (where it sits on disk), named as `ReplyFile` names it,
 * with its Message-ID: what a streamed batch stores per item instead of the message.
 */
export interface ReplyFileRef extends Omit<ReplyFile, 'content'> {
  messageId: string | null;
  /** Where the message is read from when its item runs (see `readReplySource`). */
  source: Pick<ReplySourceRef, 'path' | 'offset' | 'length'>;
}

async function listSubfolders(dir: string): Promise<string[]> {
  return (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/**
 * The Message-ID of a whole-file message, from its first bytes. Blocking reads, as the listing
 * that calls it stats: a fifth of the cost of promised ones, and the listing yields to the event
 * loop between files (`listReplySources`).
 */
function readFileMessageId(file: string): string | null {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.allocUnsafe(HEADER_SCAN_BYTES);
    const bytesRead = readSync(fd, head, 0, head.length, 0);
    return readMessageId(head.subarray(0, bytesRead));
  } finally {
    closeSync(fd);
  }
}

/** The messages of one folder (not below it) or one file, by reference; `relative` prefixes their names. */
async function* listFolderMessages(target: string, relative: string): AsyncGenerator<ReplyFileRef> {
  for await (const ref of listReplySources(target)) {
    const file = relative ? `${relative}/${ref.file}` : ref.file;
    yield {
      name: ref.mboxIndex === null ? file : `${file}#${ref.mboxIndex}`,
      file,
      mboxIndex: ref.mboxIndex,
      messageId: ref.mboxIndex === null ? readFileMessageId(ref.path) : (ref.messageId ?? null),
      source: { path: ref.path, offset: ref.offset, length: ref.length },
    };
  }
}

/**
 * Lists the replies of a batch as a stream of references: one .eml or mbox file, or a folder of
 * them. An mbox is scanned, never read whole, so a file of several GB costs bounded memory. With
 * `recursive`, the folders inside are read too, in name order; without it, a folder holding only
 * folders says so and names `--recursive`. Each error names what to give instead.
 */
export async function* listReplyFiles(target: string, options: { recursive?: boolean } = {}): AsyncGenerator<ReplyFileRef> {
  const info = await stat(target).catch(() => {
    throw new AppError('validation', `Cannot read "${target}": give a folder of .eml files or an mbox file.`, { field: 'in' });
  });
  let count = 0;
  if (!info.isDirectory()) {
    for await (const ref of listFolderMessages(target, '')) {
      count++;
      yield ref;
    }
    if (count === 0)
      throw new AppError('validation', `${path.basename(target)} holds no messages: an mbox starts each one with a "From " line.`, { field: 'in' });
    return;
  }
  if (!options.recursive) {
    for await (const ref of listFolderMessages(target, '')) {
      count++;
      yield ref;
    }
    if (count > 0) return;
    const folders = await listSubfolders(target);
    if (folders.length === 0) throw new AppError('validation', `The folder ${target} holds no .eml or .mbox files.`, { field: 'in' });
    throw new AppError(
      'validation',
      `The folder ${target} holds no .eml or .mbox files, only ${folders.length === 1 ? 'a folder' : `${folders.length} folders`} (${folders.slice(0, 3).join(', ')}${folders.length > 3 ? ', …' : ''}). Add --recursive to read the folders inside it.`,
      { field: 'in' },
    );
  }
  const walk = async function* (dir: string, relative: string): AsyncGenerator<ReplyFileRef> {
    for await (const ref of listFolderMessages(dir, relative)) {
      count++;
      yield ref;
    }
    for (const folder of await listSubfolders(dir)) yield* walk(path.join(dir, folder), relative ? `${relative}/${folder}` : folder);
  };
  yield* walk(target, '');
  if (count === 0) {
    throw new AppError('validation', `The folder ${target} and the folders inside it hold no .eml or .mbox files.`, { field: 'in' });
  }
}

/**
 * The messages of several files, in the order given, by reference: the files of a batch sent
 * through uploads. An mbox is scanned, never read whole; a file without any message adds none
 * (the caller refuses a batch that has none at all).
 */
export async function* listReplyFilesOf(files: readonly string[]): AsyncGenerator<ReplyFileRef> {
  for (const file of files) yield* listFolderMessages(file, '');
}

/**
 * Reads the replies of a batch into memory, as `listReplyFiles` lists them: for small inputs.
 * A batch of any size streams with `listReplyFiles` instead.
 */
export async function readReplyFiles(target: string, options: { recursive?: boolean } = {}): Promise<ReplyFile[]> {
  const files: ReplyFile[] = [];
  for await (const { source, messageId: _messageId, ...ref } of listReplyFiles(target, options)) files.push({ ...ref, content: await readReplySource(source) });
  return files;
}

/** How far into a message its headers may reach; a Message-ID further down is not looked for. */
const HEADER_SCAN_BYTES = 64 * 1024;

/**
 * The message's `Message-ID`, read from its raw headers (no MIME parse: this runs for every
 * item when a batch is created). Null when it has none.
 */
export function readMessageId(source: Buffer): string | null {
  const head = source.subarray(0, HEADER_SCAN_BYTES).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const headers = (end === -1 ? head : head.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const match = /^message-id:[ \t]*(.*)$/im.exec(headers);
  const value = match?.[1]?.trim();
  return value ? value : null;
}
