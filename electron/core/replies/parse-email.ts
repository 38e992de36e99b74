import type { AddressObject, HeaderValue, ParsedMail } from 'mailparser';
import { AppError } from '../errors';
import { parseDeliveryStatus, parseFeedbackReport } from './delivery-status';
import { OMITTED_BYTES_HEADER, omitAttachmentBodies } from './omit-attachments';
import { extractReplyText } from './reply-text';
import type { EmailPartSummary, ParsedEmail } from './types';

/** Larger sources are refused: no reply is this big, and parsing it would stall a batch. */
export const MAX_SOURCE_BYTES = 25 * 1024 * 1024;

const HEADER_LINE = /^[!-9;-~]+[ \t]*:/;

function toBuffer(source: string | Buffer): Buffer {
  return typeof source === 'string' ? Buffer.from(source, 'utf8') : source;
}

/**
 * Classic Mac OS files end lines with a bare CR, which the MIME parser reads as one long
 * line; such a file has no LF at all, so turning every CR into LF is safe.
 */
function normaliseBareCr(buffer: Buffer): Buffer {
  if (buffer.includes(0x0a) || !buffer.includes(0x0d)) return buffer;
  const copy = Buffer.from(buffer);
  for (let i = 0; i < copy.length; i++) if (copy[i] === 0x0d) copy[i] = 0x0a;
  return copy;
}

/** Drops an mbox `From ` envelope line that a single exported message may start with. */
function dropEnvelopeLine(buffer: Buffer): Buffer {
  if (buffer.subarray(0, 5).toString('latin1') !== 'From ') return buffer;
  const newline = buffer.indexOf(0x0a);
  return newline < 0 ? Buffer.alloc(0) : buffer.subarray(newline + 1);
}

/** Share of bytes that no text file holds: NUL and C0 controls other than tab, LF, CR, FF, ESC. */
function binaryShare(buffer: Buffer): number {
  const sample = buffer.subarray(0, 4096);
  if (sample.length === 0) return 0;
  let odd = 0;
  for (const byte of sample) if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c && byte !== 0x1b) odd++;
  return odd / sample.length;
}

/**
 * Some MTAs break a Content-Type after its ";" without indenting the next line, so the
 * `boundary=` parameter reads as a broken header and the part's body is lost. Indenting a
 * bare `name=value` line that follows a Content-* line ending in ";" restores the fold.
 */
function repairUnfoldedParameters(buffer: Buffer): Buffer {
  // Works on the bytes around each ";" at a line end: a message may be megabytes of base64,
  // which holds no ";", and no string copy of it is made.
  const inserts: number[] = [];
  for (let semicolon = buffer.indexOf(0x3b); semicolon !== -1; semicolon = buffer.indexOf(0x3b, semicolon + 1)) {
    let index = semicolon + 1;
    while (buffer[index] === 0x20 || buffer[index] === 0x09) index++;
    if (buffer[index] === 0x0d) index++;
    if (buffer[index] !== 0x0a) continue;
    const next = index + 1;
    const lineStart = buffer.lastIndexOf(0x0a, semicolon) + 1;
    if (!/^Content-[A-Za-z-]+:/i.test(buffer.toString('latin1', lineStart, Math.min(semicolon, lineStart + 64)))) continue;
    if (/^[A-Za-z*-]+=/.test(buffer.toString('latin1', next, Math.min(buffer.length, next + 80)))) inserts.push(next);
  }
  if (inserts.length === 0) return buffer;
  const pieces: Buffer[] = [];
  let from = 0;
  for (const at of inserts) {
    pieces.push(buffer.subarray(from, at), TAB);
    from = at;
  }
  pieces.push(buffer.subarray(from));
  return Buffer.concat(pieces);
}

const TAB = Buffer.from('\t', 'latin1');

/** Whether the bytes hold anything but white space (stops at the first that is not). */
function hasContent(buffer: Buffer): boolean {
  for (const byte of buffer) if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0b && byte !== 0x0c) return true;
  return false;
}

/** Some exports start with blank or whitespace-only lines before the header block. */
function dropLeadingBlankLines(buffer: Buffer): Buffer {
  let start = 0;
  for (let index = 0; index < buffer.length; index++) {
    const byte = buffer[index];
    if (byte === 0x0a) start = index + 1;
    else if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) break;
  }
  return start > 0 ? buffer.subarray(start) : buffer;
}

/** Whether the source opens with a header block rather than body text (body-only exports exist). */
function startsWithHeaders(buffer: Buffer): boolean {
  const head = buffer.subarray(0, 2048).toString('latin1');
  const firstLine = head.split(/\r?\n/, 1)[0] ?? '';
  return HEADER_LINE.test(firstLine);
}

function firstAddress(value: AddressObject | AddressObject[] | undefined): { address: string | null; name: string | null } {
  const object = Array.isArray(value) ? value[0] : value;
  const entry = object?.value.find((item) => item.address) ?? object?.value[0];
  return {
    address: entry?.address ? entry.address.toLowerCase() : null,
    name: entry?.name ? entry.name : null,
  };
}

function allAddresses(value: AddressObject | AddressObject[] | undefined): string[] {
  const objects = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const object of objects) {
    for (const entry of object.value) {
      if (entry.address) out.push(entry.address.toLowerCase());
      for (const member of entry.group ?? []) if (member.address) out.push(member.address.toLowerCase());
    }
  }
  return out;
}

/**
 * Builds the header map from the raw lines, so structured headers (Content-Type, Return-Path)
 * keep their exact text; headers the parser decoded to a plain string (encoded words) use that.
 */
function collectHeaders(mail: ParsedMail): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { key, line } of mail.headerLines) {
    if (key in headers) continue;
    const colon = line.indexOf(':');
    const raw = (colon >= 0 ? line.slice(colon + 1) : '').replace(/\r?\n[ \t]*/g, ' ').trim();
    const parsed: HeaderValue | undefined = mail.headers.get(key);
    const decoded = typeof parsed === 'string' ? parsed : Array.isArray(parsed) && typeof parsed[0] === 'string' ? parsed[0] : null;
    headers[key] = decoded !== null && key !== 'return-path' ? decoded.replace(/\s+/g, ' ').trim() : raw;
  }
  return headers;
}

function readContentType(mail: ParsedMail): { contentType: string | null; reportType: string | null } {
  const value = mail.headers.get('content-type');
  if (!value || typeof value !== 'object' || Array.isArray(value) || !('value' in value) || !('params' in value)) {
    return { contentType: null, reportType: null };
  }
  const params = value.params as Record<string, string>;
  return {
    contentType: String(value.value).toLowerCase(),
    reportType: params['report-type'] ? params['report-type'].toLowerCase() : null,
  };
}

function hasType(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/** A part's MIME type, lower-cased; text/plain (the RFC 2045 default) when the header was empty or unreadable. */
function partType(value: unknown): string {
  return hasType(value) ? value.trim().toLowerCase() : 'text/plain';
}

/** A multipart message whose closing boundary never came was cut short in transit or on export. */
function detectTruncation(buffer: Buffer, mail: ParsedMail): string | null {
  const value = mail.headers.get('content-type');
  if (!value || typeof value !== 'object' || Array.isArray(value) || !('params' in value)) return null;
  const boundary = (value.params as Record<string, string>).boundary;
  if (!boundary) return null;
  return buffer.includes(`--${boundary}--`, 0, 'latin1') ? null : 'The message ends before its last MIME part closes; it may be truncated.';
}

/**
 * Parses one raw email (RFC 5322 with MIME) into the fields the reply pipeline needs.
 * Lenient by design: a body-only export, bare-CR line ends or a truncated multipart still
 * parse (with `warnings`); only input that is not an email at all is refused.
 *
 * @throws AppError('validation') for empty, oversized or binary input, or when the parser gives up.
 */
export async function parseEmail(source: string | Buffer): Promise<ParsedEmail> {
  let buffer = toBuffer(source);
  if (!hasContent(buffer)) {
    throw new AppError('validation', 'The email is empty. Export the message again as an .eml file or an mbox.');
  }
  if (buffer.length > MAX_SOURCE_BYTES) {
    throw new AppError(
      'validation',
      `The email is larger than ${MAX_SOURCE_BYTES / 1024 / 1024} MB, which no reply is. Check that the file is a single message.`,
    );
  }
  buffer = omitAttachmentBodies(repairUnfoldedParameters(dropEnvelopeLine(dropLeadingBlankLines(normaliseBareCr(buffer)))));
  const warnings: string[] = [];
  const hasHeaders = startsWithHeaders(buffer);
  if (!hasHeaders && binaryShare(buffer) > 0.05) {
    throw new AppError(
      'validation',
      'This is not an email message: it has no header lines and holds binary data. Export the reply as an .eml file or an mbox.',
    );
  }
  if (!hasHeaders) {
    warnings.push('The message has no header lines; it was read as body text only.');
    // An empty line first makes the parser read everything as the body.
    buffer = Buffer.concat([Buffer.from('Content-Type: text/plain; charset=utf-8\n\n'), buffer]);
  }

  // Loaded on the first email, not at start: mailparser costs a cold start ~0.2 s (npm run bench -- startup).
  const { simpleParser } = await import('mailparser');
  let mail: ParsedMail;
  try {
    mail = await simpleParser(buffer, {
      keepDeliveryStatus: true,
      ignoreEmbedded: true,
      skipImageLinks: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      checksumAlgo: false,
      maxHtmlLengthToParse: 2 * 1024 * 1024,
    });
  } catch (error) {
    throw new AppError('validation', 'The email could not be parsed as MIME. Check that the file is a complete .eml message.', { cause: error });
  }

  const truncation = detectTruncation(buffer, mail);
  if (truncation) warnings.push(truncation);
  if (mail.textConversionError) warnings.push('An HTML part could not be converted to text.');

  // A part whose Content-Type header is empty has no type at all in the parser's result, which
  // files it under attachments. RFC 2045 makes such a part text/plain: unless it is marked as an
  // attachment, it is body text.
  const untypedText = mail.attachments.filter(
    (attachment) => !hasType(attachment.contentType) && attachment.contentDisposition !== 'attachment' && !attachment.filename,
  );
  const attachments = mail.attachments
    .filter((attachment) => !untypedText.includes(attachment))
    .map((attachment) => ({ attachment, contentType: partType(attachment.contentType) }));
  const parts: EmailPartSummary[] = attachments.map(({ attachment, contentType }) => {
    const omitted = Number(attachment.headers.get(OMITTED_BYTES_HEADER) ?? 0);
    // An omitted attachment's size is estimated from its base64 text (4 characters per 3 bytes).
    return { contentType, filename: attachment.filename ?? null, size: omitted > 0 ? Math.floor((omitted * 3) / 4) : attachment.size };
  });
  const dsnBodies = attachments
    .filter(({ contentType }) => /^message\/(global-)?delivery-status$/.test(contentType))
    .map(({ attachment }) => attachment.content.toString('utf8'));
  const feedbackPart = attachments.find(({ contentType }) => contentType === 'message/feedback-report')?.attachment;

  const from = firstAddress(mail.from);
  const text = [mail.text ?? '', ...untypedText.map((attachment) => attachment.content.toString('utf8'))]
    .filter((part) => part.trim() !== '')
    .join('\n')
    .replace(/\r\n?/g, '\n');
  const { contentType, reportType } = readContentType(mail);
  const date = mail.date && !Number.isNaN(mail.date.getTime()) && mail.headers.has('date') ? mail.date.toISOString() : null;

  return {
    from: from.address,
    fromName: from.name,
    to: allAddresses(mail.to),
    subject: mail.subject?.trim() || null,
    date,
    messageId: mail.messageId ?? null,
    headers: collectHeaders(mail),
    contentType,
    reportType,
    text,
    replyText: extractReplyText(text),
    parts,
    dsn: dsnBodies.length > 0 ? parseDeliveryStatus(dsnBodies) : null,
    feedbackReport: feedbackPart ? parseFeedbackReport(feedbackPart.content.toString('utf8')) : null,
    warnings,
  };
}
