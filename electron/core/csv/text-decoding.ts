import type { CsvEncodingChoice } from '../../../shared/ipc/jobs';
import { AppError } from '../errors';

/** The encodings a lead file can be read in (`csvEncodingSchema`); `auto` decides from the bytes. */
export type { CsvEncodingChoice };
/** How a file was read: an encoding `auto` settled on. */
export type CsvEncoding = Exclude<CsvEncodingChoice, 'auto'>;

/** A file's text and how it was read. */
export interface DecodedCsv {
  text: string;
  encoding: CsvEncoding;
  /** What the user should know about the reading, e.g. a fallback to Windows-1252. */
  warnings: string[];
}

const BOMS: Array<{ bytes: number[]; encoding: CsvEncoding }> = [
  { bytes: [0xef, 0xbb, 0xbf], encoding: 'utf-8' },
  { bytes: [0xff, 0xfe], encoding: 'utf-16le' },
  { bytes: [0xfe, 0xff], encoding: 'utf-16be' },
];

const LABELS: Record<CsvEncoding, string> = {
  'utf-8': 'UTF-8',
  'utf-16le': 'UTF-16 LE',
  'utf-16be': 'UTF-16 BE',
  'windows-1252': 'Windows-1252',
};

function findBom(bytes: Uint8Array): CsvEncoding | null {
  const bom = BOMS.find((b) => b.bytes.every((byte, i) => bytes[i] === byte));
  return bom?.encoding ?? null;
}

/**
 * UTF-16 written without a BOM: plain-ASCII text in UTF-16 is also valid UTF-8 (its high bytes
 * are NULs), which is how a "Unicode text" file used to import as NUL-laced garbage. A text
 * file has no NULs, so NULs at mostly odd (LE) or even (BE) offsets give UTF-16 away.
 */
function sniffUtf16(bytes: Uint8Array): CsvEncoding | null {
  const n = Math.min(bytes.length, 4096) & ~1;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i++) if (bytes[i] === 0) i % 2 === 0 ? even++ : odd++;
  const pairs = n / 2;
  if (pairs === 0) return null;
  if (odd > pairs * 0.3 && even < odd / 10) return 'utf-16le';
  if (even > pairs * 0.3 && odd < even / 10) return 'utf-16be';
  return null;
}

/**
 * Windows-1252's 0x80–0x9F, by byte. The five bytes it leaves undefined keep their C1 control,
 * as the WHATWG decoder does. Written out because Node's TextDecoder('windows-1252') decodes
 * Latin-1 (0x80 comes out as U+0080, not €).
 */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d,
  0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

function decodeWindows1252(bytes: Uint8Array): string {
  const parts: string[] = [];
  const CHUNK = 8192;
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const codes = Array.from(bytes.subarray(start, start + CHUNK), (b) => (b >= 0x80 && b <= 0x9f ? (CP1252_HIGH[b - 0x80] ?? b) : b));
    parts.push(String.fromCharCode(...codes));
  }
  return parts.join('');
}

/** Decodes strictly: a byte sequence that is not valid in `encoding` throws instead of becoming U+FFFD. */
function decodeStrict(bytes: Uint8Array, encoding: CsvEncoding): string | null {
  if (encoding === 'windows-1252') return decodeWindows1252(bytes);
  if ((encoding === 'utf-16le' || encoding === 'utf-16be') && bytes.length % 2 !== 0) return null;
  try {
    return new TextDecoder(encoding, { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
}

/** Files people pick by mistake, by their first bytes, with what to do instead. */
const NOT_CSV: Array<{ magic: number[]; message: string }> = [
  {
    magic: [0x50, 0x4b, 0x03, 0x04],
    message:
      'This is a zip archive, as an Excel workbook (.xlsx), a Numbers or an OpenDocument spreadsheet is, not a CSV file: open it in its spreadsheet, save or export it as "CSV UTF-8", then import that file.',
  },
  {
    magic: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
    message: 'This is an Excel 97–2003 workbook (.xls), not a CSV file: open it in Excel, save it as "CSV UTF-8", then import that file.',
  },
  {
    magic: [0x25, 0x50, 0x44, 0x46, 0x2d],
    message: 'This is a PDF, not a CSV file: export the leads from where they live (your CRM or spreadsheet) as "CSV UTF-8", then import that file.',
  },
];

const BINARY_MESSAGE =
  'This file holds binary data, not text, so it is not a CSV file: export the leads from your CRM or spreadsheet as "CSV UTF-8", then import that file.';

/**
 * Text has almost no C0 control characters besides tab, line feed, form feed, vertical tab
 * (FileMaker's line break inside a field) and carriage return; random or compressed bytes read
 * as Windows-1252 have about one in ten. More than one in a hundred in the first 64 K (and more
 * than eight, so that a stray bell in a short file is still text) is binary.
 */
function looksBinary(text: string): boolean {
  const sample = Math.min(text.length, 65_536);
  let controls = 0;
  for (let i = 0; i < sample; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && (code < 0x09 || code > 0x0d)) controls++;
  }
  return controls > Math.max(8, sample / 100);
}

/**
 * Reads a CSV file's bytes the way spreadsheets and CRMs write them. A BOM decides (UTF-8,
 * UTF-16 LE or BE); otherwise valid UTF-8 is UTF-8; otherwise the file is read as Windows-1252
 * (Excel's "CSV" on Western Windows), with a warning. Nothing becomes U+FFFD silently: a forced
 * encoding that does not fit the bytes is refused with the fix, and replacement characters
 * already in the file are reported. A workbook, a PDF or other binary data is refused, with how
 * to get a CSV out of it.
 */
export function decodeCsvBytes(bytes: Uint8Array, choice: CsvEncodingChoice = 'auto'): DecodedCsv {
  const picked = NOT_CSV.find(({ magic }) => magic.every((byte, i) => bytes[i] === byte));
  if (picked) throw new AppError('validation', picked.message, { field: 'csv' });
  const warnings: string[] = [];
  const bom = findBom(bytes);
  let encoding: CsvEncoding;
  let text: string | null;
  if (choice !== 'auto') {
    encoding = choice;
    text = decodeStrict(bytes, encoding);
    if (text === null) {
      throw new AppError(
        'validation',
        `The file is not valid ${LABELS[encoding]}${bom && bom !== encoding ? ` (its byte-order mark says ${LABELS[bom]})` : ''}: choose the encoding "auto", or the one the file was saved in.`,
        { field: 'encoding' },
      );
    }
    if (bom && bom !== encoding) warnings.push(`The file starts with a ${LABELS[bom]} byte-order mark but was read as ${LABELS[encoding]}, as asked.`);
  } else if (bom) {
    encoding = bom;
    text = decodeStrict(bytes, encoding);
    if (text === null) {
      throw new AppError(
        'validation',
        `The file says it is ${LABELS[encoding]} (byte-order mark) but holds bytes that are not: save it again from the spreadsheet as "CSV UTF-8".`,
        {
          field: 'encoding',
        },
      );
    }
  } else {
    const sniffed = sniffUtf16(bytes);
    const utf8 = sniffed ? null : decodeStrict(bytes, 'utf-8');
    if (sniffed) {
      encoding = sniffed;
      text = decodeStrict(bytes, encoding);
      if (text === null)
        throw new AppError('validation', `The file looks like ${LABELS[sniffed]} without a byte-order mark but is damaged: save it again as "CSV UTF-8".`, {
          field: 'encoding',
        });
      warnings.push(`The file has no byte-order mark; it was read as ${LABELS[sniffed]} because of its NUL bytes.`);
    } else if (utf8 !== null) {
      encoding = 'utf-8';
      text = utf8;
    } else {
      encoding = 'windows-1252';
      text = decodeWindows1252(bytes);
      warnings.push(
        'The file is not UTF-8, so it was read as Windows-1252 (Excel\'s "CSV" on Western Windows). If accents look wrong in the preview, choose its encoding, or save it again as "CSV UTF-8".',
      );
    }
  }
  // TextDecoder removes the BOM of the encoding it decodes; a BOM of another one stays as U+FEFF.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (looksBinary(text)) throw new AppError('validation', BINARY_MESSAGE, { field: 'csv' });
  const replacements = countChar(text, '\uFFFD');
  if (replacements > 0) {
    warnings.push(
      `The file already contains ${replacements} replacement character${replacements === 1 ? '' : 's'} (\uFFFD): text was lost when it was saved or converted before. Export it again from its source as "CSV UTF-8".`,
    );
  }
  return { text, encoding, warnings };
}

function countChar(text: string, char: string): number {
  let count = 0;
  for (let i = text.indexOf(char); i !== -1; i = text.indexOf(char, i + 1)) count++;
  return count;
}
