import { closeSync, createReadStream, fstatSync, openSync, readSync, type Stats, statSync } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../errors';
import { MAX_SOURCE_BYTES } from './parse-email';

/**
 * An mbox separator: "From " at the start of a line, then the envelope sender and a date with
 * a time. Requiring the time keeps an unescaped body line ("From here on…") from splitting a
 * message in mboxo files written by tools that skip escaping.
 */
const SEPARATOR = /^From \S*\s.*\d{1,2}:\d{2}/;
/** How much of a line the scanner keeps to test it: a separator line is short; a base64 line may be megabytes. */
const LINE_HEAD_BYTES = 1024;
/** How much of a message's start is searched for its Message-ID. */
const HEADER_SCAN_BYTES = 64 * 1024;
/** What one read of an mbox takes at a time. */
const CHUNK_BYTES = 1024 * 1024;

/** Where one message of an mbox sits: its bytes after the "From " line, up to the next one. */
export interface MboxSpan {
  offset: number;
  length: number;
  /** The message's `Message-ID` as its header holds it, or null. */
  messageId: string | null;
}

const FROM_ = Buffer.from('From ', 'latin1');

/**
 * Finds the messages of an mbox in bytes that arrive in chunks, keeping only the head of the
 * current line: memory stays bounded whatever the size of the file or of one line.
 * `push` and `end` return the spans of the messages that closed.
 */
export class MboxScanner {
  /** Absolute offset of the next byte to arrive. */
  private position = 0;
  /** The head of a line that a chunk boundary cut, and its full length so far. */
  private partial: Buffer[] = [];
  private partialHeadBytes = 0;
  private partialLength = 0;
  private previousBlank = true;
  private current: { start: number; nonBlank: boolean; inHeaders: boolean; messageId: string | null; idPending: boolean } | null = null;

  push(chunk: Buffer): MboxSpan[] {
    const spans: MboxSpan[] = [];
    let index = 0;
    while (index < chunk.length) {
      const newline = chunk.indexOf(0x0a, index);
      if (newline === -1) {
        this.keepPartial(chunk, index, chunk.length);
        break;
      }
      if (this.partialLength > 0) {
        this.keepPartial(chunk, index, newline);
        const head = Buffer.concat(this.partial);
        const lineStart = this.position + newline - this.partialLength;
        this.partial = [];
        this.partialHeadBytes = 0;
        this.partialLength = 0;
        this.onLine(head, 0, head.length, lineStart, this.position + newline + 1, spans);
      } else {
        this.onLine(chunk, index, newline, this.position + index, this.position + newline + 1, spans);
      }
      index = newline + 1;
    }
    this.position += chunk.length;
    return spans;
  }

  /** Closes the last message at the end of the input (a last line without a newline included). */
  end(): MboxSpan[] {
    const spans: MboxSpan[] = [];
    if (this.partialLength > 0) {
      const head = Buffer.concat(this.partial);
      this.onLine(head, 0, head.length, this.position - this.partialLength, this.position, spans);
      this.partial = [];
      this.partialLength = 0;
    }
    this.close(this.position, spans);
    return spans;
  }

  private keepPartial(chunk: Buffer, from: number, to: number): void {
    const room = LINE_HEAD_BYTES - this.partialHeadBytes;
    if (room > 0 && to > from) {
      const piece = Buffer.from(chunk.subarray(from, Math.min(to, from + room)));
      this.partial.push(piece);
      this.partialHeadBytes += piece.length;
    }
    this.partialLength += to - from;
  }

  /** One line: `bytes[from, to)` is its head (no newline), `lineStart` its offset, `next` the offset after its newline. */
  private onLine(bytes: Buffer, from: number, to: number, lineStart: number, next: number, spans: MboxSpan[]): void {
    const length = to - from;
    const blank = length === 0 || (length === 1 && bytes[from] === 0x0d);
    if (this.previousBlank && length >= 5 && bytes.compare(FROM_, 0, 5, from, from + 5) === 0) {
      const line = bytes.toString('latin1', from, Math.min(to, from + LINE_HEAD_BYTES));
      if (SEPARATOR.test(line)) {
        this.close(lineStart, spans);
        this.current = { start: next, nonBlank: false, inHeaders: true, messageId: null, idPending: false };
        this.previousBlank = false;
        return;
      }
    }
    const current = this.current;
    if (current) {
      if (!current.nonBlank && !blank) {
        current.nonBlank = bytes.subarray(from, to).some((byte) => byte !== 0x20 && byte !== 0x09 && byte !== 0x0d && byte !== 0x0b && byte !== 0x0c);
      }
      if (current.inHeaders) this.readHeaderLine(current, bytes, from, to, blank, lineStart);
    }
    this.previousBlank = blank;
  }

  /** Picks the Message-ID out of the header block (unfolding one continuation line). */
  private readHeaderLine(current: NonNullable<MboxScanner['current']>, bytes: Buffer, from: number, to: number, blank: boolean, lineStart: number): void {
    if ((blank && current.nonBlank) || lineStart - current.start > HEADER_SCAN_BYTES) {
      current.inHeaders = false;
      return;
    }
    const first = bytes[from];
    if (current.idPending && (first === 0x20 || first === 0x09)) {
      current.messageId = bytes.toString('latin1', from, to).trim() || null;
      current.idPending = false;
      return;
    }
    current.idPending = false;
    if (current.messageId === null && (first === 0x4d || first === 0x6d) && to - from > 11) {
      const line = bytes.toString('latin1', from, Math.min(to, from + LINE_HEAD_BYTES));
      const match = /^message-id:[ \t]*(.*?)\s*$/i.exec(line);
      if (match) {
        current.messageId = match[1] || null;
        current.idPending = !match[1];
      }
    }
  }

  private close(end: number, spans: MboxSpan[]): void {
    const current = this.current;
    this.current = null;
    if (!current?.nonBlank || end <= current.start) return;
    spans.push({ offset: current.start, length: end - current.start, messageId: current.messageId });
  }
}

/**
 * Turns the raw bytes of one mbox message into the message: ">From " lines unescaped by one
 * level (mboxrd escapes every run of ">" before "From ", mboxo one: removing one undoes both)
 * and the blank lines before the next separator trimmed to one line end. Works on the bytes: a
 * message may be megabytes of base64, and no copy of it is made unless a line is unescaped.
 */
export function unescapeMboxMessage(raw: Buffer): Buffer {
  // Trailing (\r?\n)+ becomes one "\n".
  let end = raw.length;
  for (;;) {
    if (end > 0 && raw[end - 1] === 0x0a) {
      end--;
      if (end > 0 && raw[end - 1] === 0x0d) end--;
      continue;
    }
    break;
  }
  const trimmed = end < raw.length;
  // One ">" comes off every line that starts with >+From (mboxrd; mboxo's single level too).
  const cuts: number[] = [];
  for (let at = raw[0] === 0x3e ? 0 : raw.indexOf(NEWLINE_GT); at !== -1 && at < end; at = raw.indexOf(NEWLINE_GT, at + 1)) {
    const start = raw[at] === 0x3e ? at : at + 1;
    let index = start;
    while (index < end && raw[index] === 0x3e) index++;
    if (index > start && index + 5 <= end && raw.compare(FROM_, 0, 5, index, index + 5) === 0) cuts.push(start);
  }
  // The message keeps one line end of its own ("\n" or "\r\n"): no copy when nothing is unescaped.
  const stop = trimmed ? end + (raw[end] === 0x0d ? 2 : 1) : end;
  if (cuts.length === 0) return raw.subarray(0, stop);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const cut of cuts) {
    pieces.push(raw.subarray(from, cut));
    from = cut + 1;
  }
  pieces.push(raw.subarray(from, stop));
  return Buffer.concat(pieces);
}

const NEWLINE_GT = Buffer.from('\n>', 'latin1');

function splitMboxBuffers(source: Buffer): Buffer[] {
  const scanner = new MboxScanner();
  const spans = [...scanner.push(source), ...scanner.end()];
  return spans.map((span) => unescapeMboxMessage(source.subarray(span.offset, span.offset + span.length)));
}

/**
 * Splits an mbox (mboxo or mboxrd) held in memory into its messages, without the "From "
 * separator lines and with ">From " lines unescaped. A truncated last message is returned as
 * it is; parsing it reports the problem for that message alone. Strings come back as strings;
 * a Buffer's messages keep their exact bytes (as Buffers decoded as UTF-8 for the string form).
 * For a file, `listReplySources` streams instead.
 */
export function splitMbox(source: Buffer | string): string[] {
  const buffer = typeof source === 'string' ? Buffer.from(source, 'utf8') : source;
  return splitMboxBuffers(buffer).map((message) => message.toString('utf8'));
}

/**
 * Streams the messages of an mbox file: one span per message, read chunk by chunk. Memory is
 * bounded by the chunk size, not by the file (a Google Takeout mbox can be several GB).
 */
export async function* scanMboxFile(file: string): AsyncGenerator<MboxSpan> {
  const scanner = new MboxScanner();
  const stream = createReadStream(file, { highWaterMark: CHUNK_BYTES });
  try {
    for await (const chunk of stream) yield* scanner.push(chunk as Buffer);
  } catch (error) {
    throw readError(file, error);
  } finally {
    stream.destroy();
  }
  yield* scanner.end();
}

/**
 * One message to classify, by reference: a whole file, or one message of an mbox file
 * (`offset`, `length`). Named for reports: the file name, or `file.mbox#3`.
 */
export interface ReplySourceRef {
  name: string;
  /** Absolute path of the file that holds the message. */
  path: string;
  /** The mbox file's name (`inbox.mbox`), or the .eml file's name. */
  file: string;
  /** 1-based position in the mbox; null for a file holding one message. */
  mboxIndex: number | null;
  /** For an mbox message: where its bytes start in the file. */
  offset?: number;
  /** Size in bytes: the mbox span, or the whole file. */
  length: number;
  /** The `Message-ID` an mbox message's header holds (read while scanning), else null or absent. */
  messageId?: string | null;
}

/** One message to classify, with its raw bytes. */
export interface ReplySource {
  name: string;
  source: Buffer;
}

const MESSAGE_EXTENSIONS = new Set(['.eml', '.msg', '.txt']);
const MBOX_EXTENSIONS = new Set(['.mbox', '.mbx', '.mbs']);

function readError(file: string, error: unknown): AppError {
  if (error instanceof AppError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT')
    return new AppError('not_found', `${file} is gone: it was moved or deleted. Put it back, or start the batch again from where it is now.`, {
      cause: error,
      field: 'in',
    });
  return new AppError('validation', `Cannot read ${file} (${code ?? 'read error'}): check the file is readable.`, { cause: error, field: 'in' });
}

async function looksLikeMbox(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(1024);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return SEPARATOR.test(head.subarray(0, bytesRead).toString('latin1').split('\n', 1)[0] ?? '');
  } finally {
    await handle.close();
  }
}

async function* listMboxFile(file: string): AsyncGenerator<ReplySourceRef> {
  const base = path.basename(file);
  let index = 0;
  for await (const span of scanMboxFile(file)) {
    index++;
    yield { name: `${base}#${index}`, path: file, file: base, mboxIndex: index, offset: span.offset, length: span.length, messageId: span.messageId };
  }
}

/**
 * Lists the replies to classify, streaming: a folder of `.eml` files (and any `.mbox` files in
 * it, not recursing), one mbox file, or one .eml file. Nothing is read whole: an mbox is
 * scanned chunk by chunk, and each message is read later with `readReplySource`. Names are
 * sorted so runs are repeatable.
 *
 * @throws AppError('not_found') when the path does not exist, AppError('validation') when it is neither a file nor a folder.
 */
export async function* listReplySources(pathToDirOrMbox: string): AsyncGenerator<ReplySourceRef> {
  const target = path.resolve(pathToDirOrMbox);
  let info: Stats;
  try {
    info = await stat(target);
  } catch (error) {
    throw new AppError('not_found', `No file or folder at ${pathToDirOrMbox}. Give a folder of .eml files or an mbox file.`, { cause: error, field: 'in' });
  }
  if (info.isFile()) {
    if (MBOX_EXTENSIONS.has(path.extname(target).toLowerCase()) || (await looksLikeMbox(target))) {
      yield* listMboxFile(target);
      return;
    }
    yield { name: path.basename(target), path: target, file: path.basename(target), mboxIndex: null, length: info.size };
    return;
  }
  if (!info.isDirectory()) {
    throw new AppError('validation', `${pathToDirOrMbox} is neither a file nor a folder. Give a folder of .eml files or an mbox file.`, { field: 'in' });
  }
  const names = (await readdir(target, { withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .sort();
  const yieldNow = createYielder();
  for (const name of names) {
    const extension = path.extname(name).toLowerCase();
    const file = path.join(target, name);
    if (MBOX_EXTENSIONS.has(extension)) yield* listMboxFile(file);
    else if (MESSAGE_EXTENSIONS.has(extension)) {
      // A blocking stat costs a fifth of a promised one; the event loop gets its turns from yieldNow.
      yield { name, path: file, file: name, mboxIndex: null, length: statSync(file).size };
      await yieldNow();
    }
  }
}

/**
 * Gives the event loop a turn once `everyMs` have passed since the last: a listing that reads
 * with blocking calls (cheaper than promised ones, file after file) must not hold up the app's
 * other work, whatever the size of the folder. The time counts what the caller does in between.
 */
export function createYielder(everyMs = 8): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < everyMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    last = performance.now();
  };
}

/** The bytes of a listed message, from what was read of its span: an mbox message is unescaped. */
function finishSource(ref: Pick<ReplySourceRef, 'path' | 'offset'>, buffer: Buffer, read: number, wanted: number): Buffer {
  if (ref.offset === undefined) return buffer.subarray(0, read);
  if (read < wanted) {
    throw new AppError('validation', `${path.basename(ref.path)} is shorter than when the batch was made: it changed since. Start the batch again.`, {
      field: 'in',
    });
  }
  return unescapeMboxMessage(buffer);
}

/**
 * Reads the raw bytes of one listed message; an mbox message is read from its span and
 * unescaped. At most one byte more than the parser accepts is read, so an oversized message
 * costs bounded memory and gets the parser's own per-message error.
 *
 * @throws AppError('not_found') when the file is gone, AppError('validation') when it is unreadable or shorter than its span.
 */
export async function readReplySource(ref: Pick<ReplySourceRef, 'path' | 'offset' | 'length'>): Promise<Buffer> {
  try {
    const handle = await open(ref.path, 'r');
    try {
      const offset = ref.offset ?? 0;
      const size = ref.offset === undefined ? (await handle.stat()).size : ref.length;
      const length = Math.min(size, MAX_SOURCE_BYTES + 1);
      // Filled by the reads below; only the bytes read are returned.
      const buffer = Buffer.allocUnsafe(length);
      let read = 0;
      while (read < length) {
        const { bytesRead } = await handle.read(buffer, read, length - read, offset + read);
        if (bytesRead === 0) break;
        read += bytesRead;
      }
      return finishSource(ref, buffer, read, length);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw readError(ref.path, error);
  }
}

/**
 * `readReplySource` with blocking reads, for a worker thread (the reply analyzer's), where a
 * read holds up nothing else and four system calls cost less than four trips to the I/O pool.
 */
export function readReplySourceSync(ref: Pick<ReplySourceRef, 'path' | 'offset' | 'length'>): Buffer {
  try {
    const fd = openSync(ref.path, 'r');
    try {
      const offset = ref.offset ?? 0;
      const size = ref.offset === undefined ? fstatSync(fd).size : ref.length;
      const length = Math.min(size, MAX_SOURCE_BYTES + 1);
      const buffer = Buffer.allocUnsafe(length);
      let read = 0;
      while (read < length) {
        const bytesRead = readSync(fd, buffer, read, length - read, offset + read);
        if (bytesRead === 0) break;
        read += bytesRead;
      }
      return finishSource(ref, buffer, read, length);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw readError(ref.path, error);
  }
}

/**
 * Reads every reply at once: for small inputs and tests. Batches of any size use
 * `listReplySources` and `readReplySource`, which keep memory bounded.
 *
 * @throws AppError('not_found') when the path does not exist, AppError('validation') when it holds no messages.
 */
export async function readReplySources(pathToDirOrMbox: string): Promise<ReplySource[]> {
  const sources: ReplySource[] = [];
  let mboxFile: string | null = null;
  for await (const ref of listReplySources(pathToDirOrMbox)) {
    if (ref.mboxIndex !== null) mboxFile = ref.file;
    sources.push({ name: ref.name, source: await readReplySource(ref) });
  }
  if (sources.length === 0) {
    const info = await stat(pathToDirOrMbox);
    if (info.isDirectory()) throw new AppError('validation', `The folder ${pathToDirOrMbox} holds no .eml or .mbox files.`, { field: 'in' });
    throw new AppError('validation', `${mboxFile ?? path.basename(pathToDirOrMbox)} holds no messages: an mbox starts each one with a "From " line.`, {
      field: 'in',
    });
  }
  return sources;
}
