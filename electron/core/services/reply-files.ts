import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../errors';
import { readReplySources } from '../replies';

/** One message to classify, named for reports: its file (relative to the folder read) and its place in an mbox. */
export interface ReplyFile {
  /** "inbox.mbox#3" or "2026/06/reply.eml": what progress and errors show. */
  name: string;
  file: string;
  /** 1-based message number within an mbox; null for a file holding one message. */
  mboxIndex: number | null;
  content: Buffer;
}

/** Splits "inbox.mbox#3" as the mbox reader names messages. */
function splitSourceName(name: string): { file: string; mboxIndex: number | null } {
  const match = /^(.*)#(\d+)$/.exec(name);
  return match ? { file: match[1]!, mboxIndex: Number(match[2]) } : { file: name, mboxIndex: null };
}

async function listSubfolders(dir: string): Promise<string[]> {
  return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

/** The messages of one folder (not below it), or none when it holds no mail files. */
async function readFolderMessages(dir: string, relative: string): Promise<ReplyFile[]> {
  try {
    const sources = await readReplySources(dir);
    return sources.map((source) => {
      const { file, mboxIndex } = splitSourceName(source.name);
      const rel = relative ? `${relative}/${file}` : file;
      return { name: mboxIndex === null ? rel : `${rel}#${mboxIndex}`, file: rel, mboxIndex, content: source.source };
    });
  } catch (error) {
    // A folder without mail files is fine inside a tree; the caller decides whether the whole tree is empty.
    if (error instanceof AppError && error.code === 'validation' && /holds no/.test(error.message)) return [];
    throw error;
  }
}

/**
 * Reads the replies of a batch: one .eml or mbox file, or a folder of them. With `recursive`,
 * the folders inside are read too, in name order; without it, a folder holding only folders
 * says so and names `--recursive`.
 */
export async function readReplyFiles(target: string, options: { recursive?: boolean } = {}): Promise<ReplyFile[]> {
  const info = await stat(target).catch(() => {
    throw new AppError('validation', `Cannot read "${target}": give a folder of .eml files or an mbox file.`, { field: 'in' });
  });
  if (!info.isDirectory()) {
    return (await readReplySources(target)).map((source) => ({ ...splitSourceName(source.name), name: source.name, content: source.source }));
  }
  if (!options.recursive) {
    const files = await readFolderMessages(target, '');
    if (files.length > 0) return files;
    const folders = await listSubfolders(target);
    if (folders.length === 0) throw new AppError('validation', `The folder ${target} holds no .eml or .mbox files.`, { field: 'in' });
    throw new AppError(
      'validation',
      `The folder ${target} holds no .eml or .mbox files, only ${folders.length === 1 ? 'a folder' : `${folders.length} folders`} (${folders.slice(0, 3).join(', ')}${folders.length > 3 ? ', …' : ''}). Add --recursive to read the folders inside it.`,
      { field: 'in' },
    );
  }
  const files: ReplyFile[] = [];
  const walk = async (dir: string, relative: string): Promise<void> => {
    files.push(...(await readFolderMessages(dir, relative)));
    for (const folder of await listSubfolders(dir)) await walk(path.join(dir, folder), relative ? `${relative}/${folder}` : folder);
  };
  await walk(target, '');
  if (files.length === 0) {
    throw new AppError('validation', `The folder ${target} and the folders inside it hold no .eml or .mbox files.`, { field: 'in' });
  }
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
