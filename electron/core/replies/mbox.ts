import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../errors';

/**
 * An mbox separator: "From " at the start of a line, then the envelope sender and a date with
 * a time. Requiring the time keeps an unescaped body line ("From here on…") from splitting a
 * message in mboxo files written by tools that skip escaping.
 */
const SEPARATOR = /^From \S*\s.*\d{1,2}:\d{2}/;
/** mboxrd escapes any run of ">" before "From "; mboxo only escapes one. Removing one ">" undoes both. */
const ESCAPED_FROM = /^>(>*From )/gm;

/** Splits a byte-exact (latin1) view of an mbox into the byte-exact text of each message. */
function splitLatin1(view: string): string[] {
  const lines = view.split('\n');
  const messages: string[] = [];
  let current: string[] | null = null;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const previousBlank = index === 0 || (lines[index - 1] ?? '').replace(/\r$/, '') === '';
    if (previousBlank && SEPARATOR.test(line)) {
      if (current) messages.push(current.join('\n'));
      current = [];
      continue;
    }
    // Text before the first separator is not a message (a file that is not an mbox has no separator).
    if (current) current.push(line);
  }
  if (current) messages.push(current.join('\n'));
  return messages
    .map((message) => message.replace(/(\r?\n)+$/, '\n').replace(ESCAPED_FROM, '$1'))
    .filter((message) => message.trim() !== '');
}

/**
 * Splits an mbox (mboxo or mboxrd) into its messages, without the "From " separator lines and
 * with ">From " lines unescaped. A truncated last message is returned as it is; parsing it
 * reports the problem for that message alone. Strings are decoded as UTF-8; for mail with
 * 8-bit bodies in other charsets, `readReplySources` keeps the exact bytes.
 */
export function splitMbox(source: Buffer | string): string[] {
  if (typeof source === 'string') return splitLatin1(source);
  return splitMboxBuffers(source).map((message) => message.toString('utf8'));
}

function splitMboxBuffers(source: Buffer): Buffer[] {
  return splitLatin1(source.toString('latin1')).map((message) => Buffer.from(message, 'latin1'));
}

/** One raw message to classify, named for reports: the file name, or `file.mbox#3`. */
export interface ReplySource {
  name: string;
  source: Buffer;
}

function looksLikeMbox(buffer: Buffer): boolean {
  return SEPARATOR.test(buffer.subarray(0, 1024).toString('latin1').split('\n', 1)[0] ?? '');
}

function readMboxFile(file: string, buffer: Buffer): ReplySource[] {
  const base = path.basename(file);
  return splitMboxBuffers(buffer).map((source, index) => ({ name: `${base}#${index + 1}`, source }));
}

const MESSAGE_EXTENSIONS = new Set(['.eml', '.msg', '.txt']);
const MBOX_EXTENSIONS = new Set(['.mbox', '.mbx', '.mbs']);

/**
 * Reads the replies to classify from a folder of `.eml` files (and any `.mbox` files in it,
 * not recursing) or from one mbox or .eml file. Names are sorted so runs are repeatable.
 *
 * @throws AppError('not_found') when the path does not exist, AppError('validation') when it holds no messages.
 */
export async function readReplySources(pathToDirOrMbox: string): Promise<ReplySource[]> {
  let info;
  try {
    info = await stat(pathToDirOrMbox);
  } catch (error) {
    throw new AppError('not_found', `No file or folder at ${pathToDirOrMbox}. Give a folder of .eml files or an mbox file.`, { cause: error, field: 'in' });
  }
  if (info.isFile()) {
    const buffer = await readFile(pathToDirOrMbox);
    if (MBOX_EXTENSIONS.has(path.extname(pathToDirOrMbox).toLowerCase()) || looksLikeMbox(buffer)) {
      const messages = readMboxFile(pathToDirOrMbox, buffer);
      if (messages.length === 0) {
        throw new AppError('validation', `${path.basename(pathToDirOrMbox)} holds no messages: an mbox starts each one with a "From " line.`, { field: 'in' });
      }
      return messages;
    }
    return [{ name: path.basename(pathToDirOrMbox), source: buffer }];
  }
  if (!info.isDirectory()) {
    throw new AppError('validation', `${pathToDirOrMbox} is neither a file nor a folder. Give a folder of .eml files or an mbox file.`, { field: 'in' });
  }
  const entries = (await readdir(pathToDirOrMbox, { withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .sort();
  const sources: ReplySource[] = [];
  for (const name of entries) {
    const extension = path.extname(name).toLowerCase();
    const file = path.join(pathToDirOrMbox, name);
    if (MBOX_EXTENSIONS.has(extension)) sources.push(...readMboxFile(file, await readFile(file)));
    else if (MESSAGE_EXTENSIONS.has(extension)) sources.push({ name, source: await readFile(file) });
  }
  if (sources.length === 0) {
    throw new AppError('validation', `The folder ${pathToDirOrMbox} holds no .eml or .mbox files.`, { field: 'in' });
  }
  return sources;
}
