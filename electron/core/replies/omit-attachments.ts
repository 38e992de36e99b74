/**
 * Drops the bodies of large base64 attachments before the MIME parser runs. The reply rules
 * read headers, text parts and report parts; an attachment's bytes never decide anything, yet
 * the parser decodes each one line by line and holds it in memory (a 1 MB PDF costs the
 * parser about as much as a thousand short replies). An omitted part keeps its headers and
 * boundary lines, so the parser still lists it, with a marker header carrying its size.
 */

/** Parts up to this size are kept whole: small files cost nothing and keep their exact bytes. */
const OMIT_OVER_BYTES = 64 * 1024;
/** Messages smaller than this are passed through untouched. */
const SCAN_OVER_BYTES = 256 * 1024;
/** The header the parser sees on an omitted part: its base64 body's length in bytes. */
export const OMITTED_BYTES_HEADER = 'x-outreach-omitted-bytes';

const LF = 0x0a;

interface EntityHeaders {
  /** Index just past the blank line that ends the header block (the body's start). */
  bodyStart: number;
  /** Index of the line break that ends the last header line (where a header can be added). */
  headersEnd: number;
  /** The line break the block uses: "\r\n" or "\n". */
  newline: string;
  contentType: string;
  boundary: string | null;
  base64: boolean;
}

/** Reads the header block of the entity starting at `start`, unfolding continuation lines. */
function readHeaders(buffer: Buffer, start: number, end: number): EntityHeaders | null {
  const fields: string[] = [];
  let index = start;
  let headersEnd = start;
  let newline = '\n';
  while (index < end) {
    const lineEnd = buffer.indexOf(LF, index);
    if (lineEnd === -1 || lineEnd >= end) return null;
    const crlf = lineEnd > index && buffer[lineEnd - 1] === 0x0d;
    const contentEnd = crlf ? lineEnd - 1 : lineEnd;
    if (contentEnd === index) {
      const fieldText = fields.join('\n');
      const type = /^content-type:\s*([^;\s]*)/im.exec(fieldText)?.[1]?.toLowerCase() ?? '';
      const boundary = /^content-type:.*?;\s*boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/im.exec(fieldText);
      return {
        bodyStart: lineEnd + 1,
        headersEnd,
        newline,
        contentType: type,
        boundary: boundary ? (boundary[1] ?? boundary[2] ?? null) : null,
        base64: /^content-transfer-encoding:\s*base64\b/im.test(fieldText),
      };
    }
    // Header lines are short; a long line here means this is not a header block.
    if (contentEnd - index > 8192) return null;
    const line = buffer.toString('latin1', index, contentEnd);
    if (/^[ \t]/.test(line) && fields.length > 0) fields[fields.length - 1] += ` ${line.trim()}`;
    else fields.push(line);
    headersEnd = lineEnd + 1;
    newline = crlf ? '\r\n' : '\n';
    index = lineEnd + 1;
  }
  return null;
}

/** Where the delimiter lines of a multipart body are: the start of each "--boundary" line. */
function findDelimiters(buffer: Buffer, start: number, end: number, boundary: string): number[] {
  const marker = Buffer.from(`--${boundary}`, 'latin1');
  const found: number[] = [];
  let index = start;
  while (index < end) {
    const at = buffer.indexOf(marker, index);
    if (at === -1 || at + marker.length > end) break;
    const atLineStart = at === start || buffer[at - 1] === LF;
    const next = buffer[at + marker.length];
    // A delimiter line is the marker, optionally "--", then only white space.
    if (atLineStart && (next === undefined || next === 0x2d || next === 0x20 || next === 0x09 || next === 0x0d || next === LF)) found.push(at);
    index = at + marker.length;
  }
  return found;
}

function isOmittable(headers: EntityHeaders, bodyLength: number): boolean {
  if (!headers.base64 || bodyLength <= OMIT_OVER_BYTES) return false;
  const type = headers.contentType;
  return type !== '' && !type.startsWith('text/') && !type.startsWith('message/') && !type.startsWith('multipart/');
}

/** Emits the multipart body `[start, end)` with large attachments' bodies left out. */
function leanMultipart(buffer: Buffer, start: number, end: number, boundary: string, out: Buffer[], depth: number): void {
  const delimiters = findDelimiters(buffer, start, end, boundary);
  const [first] = delimiters;
  if (first === undefined || depth > 20) {
    out.push(buffer.subarray(start, end));
    return;
  }
  out.push(buffer.subarray(start, first));
  for (const [i, at] of delimiters.entries()) {
    const lineEnd = buffer.indexOf(LF, at);
    const partStart = lineEnd === -1 || lineEnd >= end ? end : lineEnd + 1;
    out.push(buffer.subarray(at, partStart));
    const closing = buffer[at + boundary.length + 2] === 0x2d && buffer[at + boundary.length + 3] === 0x2d;
    // The line break before the next delimiter belongs to that delimiter (RFC 2046).
    const next = delimiters[i + 1] ?? end;
    if (closing) {
      out.push(buffer.subarray(partStart, next));
      continue;
    }
    leanEntity(buffer, partStart, next, out, depth + 1);
  }
}

/** Emits one entity (a part, or the whole message) `[start, end)`, leaner when it can. */
function leanEntity(buffer: Buffer, start: number, end: number, out: Buffer[], depth: number): void {
  const headers = readHeaders(buffer, start, end);
  if (!headers) {
    out.push(buffer.subarray(start, end));
    return;
  }
  if (headers.contentType.startsWith('multipart/') && headers.boundary) {
    out.push(buffer.subarray(start, headers.bodyStart));
    leanMultipart(buffer, headers.bodyStart, end, headers.boundary, out, depth);
    return;
  }
  // The whole message is never omitted, only its parts.
  if (depth > 0 && isOmittable(headers, end - headers.bodyStart)) {
    // Keep the line break that precedes the next delimiter, so the delimiter stays on its own line.
    let bodyEnd = end;
    if (buffer[bodyEnd - 1] === LF) bodyEnd--;
    if (buffer[bodyEnd - 1] === 0x0d) bodyEnd--;
    out.push(buffer.subarray(start, headers.headersEnd));
    out.push(Buffer.from(`X-Outreach-Omitted-Bytes: ${end - headers.bodyStart}${headers.newline}${headers.newline}`, 'latin1'));
    out.push(buffer.subarray(bodyEnd, end));
    return;
  }
  out.push(buffer.subarray(start, end));
}

/** The message with the bodies of large base64 attachments left out; small messages come back as they are. */
export function omitAttachmentBodies(buffer: Buffer): Buffer {
  if (buffer.length < SCAN_OVER_BYTES) return buffer;
  const out: Buffer[] = [];
  leanEntity(buffer, 0, buffer.length, out, 0);
  const total = out.reduce((sum, piece) => sum + piece.length, 0);
  return total === buffer.length ? buffer : Buffer.concat(out, total);
}
