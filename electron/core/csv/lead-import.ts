import { readFile } from 'node:fs/promises';
import { LEAD_LIMITS, type LeadContext } from '../../../shared/domain/lead';
import { AppError } from '../errors';
import { detectDelimiter, findHeaderRecord, isBlankRecord, readCsvRecords, stripBom, takeSepLine } from './csv-reader';
import { formatCsv } from './csv-writer';
import { suggestLeadMapping, type LeadColumnMapping, type LeadField } from './lead-headers';
import { decodeCsvBytes, type CsvEncoding, type CsvEncodingChoice } from './text-decoding';

/**
 * A lead file: its text, its raw bytes (decoded here, the same way for the app, the host and
 * the CLI), or a path to read them from.
 */
export type LeadCsvSource = string | Uint8Array | { path: string };

/** A problem with one row. `row` is the row number a spreadsheet shows: the header is row 1. */
export interface LeadRowError {
  row: number;
  message: string;
}

/** A lead read from the file, with the spreadsheet row it came from. */
export interface ParsedLeadRow {
  row: number;
  lead: LeadContext;
}

/** How the file was read: the same for the preview and the import. */
export interface LeadCsvReading {
  encoding: CsvEncoding;
  delimiter: string;
  /** The spreadsheet row of the header (1 unless a preamble came first). */
  headerRow: number;
  /** Fallback encodings, a skipped preamble, a `sep=` line overridden… */
  warnings: string[];
}

/** What the mapping step shows before anything is imported. */
export interface LeadCsvPreview extends LeadCsvReading {
  headers: string[];
  /** Data rows that are not blank. */
  rowCount: number;
  /** The first rows as the file has them, one string per column. */
  sample: string[][];
  suggestedMapping: LeadColumnMapping;
}

/**
 * The outcome of a parse. Every non-blank data row is either in `rows` or in `errors`: no row is
 * dropped silently. Blank lines carry nothing and are only counted. `capped` names the rows whose
 * custom fields were cut to LEAD_LIMITS (they are in `rows` too).
 */
export interface LeadCsvParseResult extends LeadCsvReading {
  headers: string[];
  /** The mapping used, column by column (the suggestion where none was given). */
  mapping: LeadColumnMapping;
  rows: ParsedLeadRow[];
  errors: LeadRowError[];
  capped: LeadRowError[];
  blankRows: number;
}

export interface LeadCsvOptions {
  /** `auto` (the default) reads the byte-order mark, then tries UTF-8, then Windows-1252. */
  encoding?: CsvEncodingChoice;
  /** Defaults to a `sep=` first line, else the delimiter detected from the start of the file. */
  delimiter?: string;
  signal?: AbortSignal;
}

export interface LeadCsvParseOptions extends LeadCsvOptions {
  /**
   * Columns the mapping does not name get the suggested field (a field the mapping already gives
   * another column excepted) instead of `custom`: the CLI's `--map` overrides the suggestion.
   */
  suggestUnmapped?: boolean;
}

const SAMPLE_ROWS = 5;
const EMAIL = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;
/** Control characters never belong in an address (they came from a wrong decoding). */
const CONTROL = /\p{Cc}/u;
const DELIMITER_NAMES: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' };

/** Trims an address, drops a `mailto:` prefix (and its `?subject=`), and lower-cases the domain. */
export function normalizeEmail(value: string): string {
  let email = value.trim();
  if (/^mailto:/i.test(email)) email = email.slice('mailto:'.length).replace(/\?.*/s, '').trim();
  const at = email.lastIndexOf('@');
  return at > 0 ? `${email.slice(0, at)}@${email.slice(at + 1).toLowerCase()}` : email;
}

/** The key two leads share when they are the same person: the whole address, case-folded. */
export function toEmailKey(email: string): string {
  return normalizeEmail(email).toLowerCase();
}

/** Names every column: blank headers become "Column N", repeats get " (2)", " (3)"… */
function nameHeaders(cells: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return cells.map((cell, i) => {
    const base = cell.trim().slice(0, LEAD_LIMITS.customKeyChars) || `Column ${i + 1}`;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base} (${count})`;
  });
}

async function readSourceText(source: LeadCsvSource, encoding: CsvEncodingChoice): Promise<{ text: string; encoding: CsvEncoding; warnings: string[] }> {
  if (typeof source === 'string') return { text: stripBom(source), encoding: 'utf-8', warnings: [] };
  let bytes: Uint8Array;
  if ('path' in source) {
    try {
      bytes = await readFile(source.path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new AppError('validation', `Cannot read the lead file "${source.path}" (${code}): check the path and that you may read it.`, { field: 'path' });
    }
  } else {
    bytes = source;
  }
  return decodeCsvBytes(bytes, encoding);
}

function describeDelimiter(delimiter: string): string {
  return DELIMITER_NAMES[delimiter] ?? `"${delimiter}"`;
}

interface OpenedCsv extends LeadCsvReading {
  text: string;
  /** 0-based record index of the header. */
  headerIndex: number;
}

/** Decodes the file, honours a `sep=` line, settles the delimiter and finds the header row. */
async function openLeadCsv(source: LeadCsvSource, options: LeadCsvOptions): Promise<OpenedCsv> {
  const decoded = await readSourceText(source, options.encoding ?? 'auto');
  const warnings = [...decoded.warnings];
  let text = decoded.text;
  let delimiter = options.delimiter;
  const sep = takeSepLine(text);
  if (sep) {
    text = sep.rest;
    if (delimiter && delimiter !== sep.delimiter) {
      warnings.push(
        `The file's first line says sep=${sep.delimiter === '\t' ? 'tab' : sep.delimiter}; it was read with the ${describeDelimiter(delimiter)} you chose.`,
      );
    }
    delimiter ??= sep.delimiter;
  }
  delimiter ??= await detectDelimiter(text);
  const headerIndex = await findHeaderRecord(text, delimiter);
  return { text, encoding: decoded.encoding, delimiter, headerIndex, headerRow: headerIndex + 1, warnings };
}

interface ScanResult {
  headers: string[];
  /** Papaparse's structural problems by record index. */
  problems: Map<number, string[]>;
}

/**
 * Reads the file once, in slices, handing each data record (with its 0-based record index) to
 * `onData`. Lines above the header are a preamble: skipped, with a warning. Throws a validation
 * error for a file without a header row.
 */
async function scanLeadCsv(
  opened: OpenedCsv,
  options: LeadCsvOptions,
  onHeader: (headers: string[], sample: string[][]) => void,
  onData: (record: string[], index: number, scan: ScanResult) => void,
): Promise<ScanResult> {
  const scan: ScanResult = { headers: [], problems: new Map() };
  let headerSeen = false;
  const preamble: string[] = [];
  // The first rows wait until the sample for the mapping suggestion is complete.
  let pending: Array<{ record: string[]; index: number }> | null = [];
  const flush = () => {
    if (!pending) return;
    onHeader(
      scan.headers,
      pending
        .filter((p) => !isBlankRecord(p.record))
        .slice(0, SAMPLE_ROWS)
        .map((p) => p.record),
    );
    for (const p of pending) onData(p.record, p.index, scan);
    pending = null;
  };
  await readCsvRecords(opened.text, {
    delimiter: opened.delimiter,
    signal: options.signal,
    onProblem: ({ record, message }) => {
      const list = scan.problems.get(record) ?? [];
      list.push(message);
      scan.problems.set(record, list);
    },
    onRecords: (records, firstIndex) => {
      records.forEach((record, offset) => {
        const index = firstIndex + offset;
        if (!headerSeen) {
          if (isBlankRecord(record)) return;
          if (index < opened.headerIndex) {
            preamble.push(record.join(' ').trim());
            return;
          }
          scan.headers = nameHeaders(record);
          headerSeen = true;
          return;
        }
        if (pending) {
          pending.push({ record, index });
          if (pending.filter((p) => !isBlankRecord(p.record)).length >= SAMPLE_ROWS) flush();
          return;
        }
        onData(record, index, scan);
      });
    },
  });
  if (!headerSeen) {
    throw new AppError('validation', 'The file has no header row: the first line must name the columns (for example "First name, Email, Company").', {
      field: 'csv',
    });
  }
  flush();
  const [firstLine] = preamble;
  if (firstLine !== undefined) {
    const first = firstLine.length > 60 ? `${firstLine.slice(0, 60)}…` : firstLine;
    opened.warnings.push(
      `Skipped ${preamble.length} line${preamble.length === 1 ? '' : 's'} above the header row (row ${opened.headerRow}), starting "${first}": they are not leads.`,
    );
  }
  return scan;
}

function pickReading(opened: OpenedCsv): LeadCsvReading {
  return { encoding: opened.encoding, delimiter: opened.delimiter, headerRow: opened.headerRow, warnings: opened.warnings };
}

/** Reads the header, the delimiter, a sample and the row count, and proposes a column mapping. */
export async function previewLeadCsv(source: LeadCsvSource, options: LeadCsvOptions = {}): Promise<LeadCsvPreview> {
  const opened = await openLeadCsv(source, options);
  let sample: string[][] = [];
  let rowCount = 0;
  const scan = await scanLeadCsv(
    opened,
    options,
    (_headers, first) => (sample = first),
    (record) => {
      if (!isBlankRecord(record)) rowCount++;
    },
  );
  return { ...pickReading(opened), headers: scan.headers, rowCount, sample, suggestedMapping: suggestLeadMapping(scan.headers, sample) };
}

/**
 * The mapping of every column: the given one where it names the column; otherwise the suggestion
 * (when asked, and unless the given mapping puts that field on another column), else `custom`.
 */
function resolveMapping(headers: readonly string[], sample: string[][], given: LeadColumnMapping, suggest: boolean): LeadColumnMapping {
  const suggested = suggest ? suggestLeadMapping(headers, sample) : {};
  const taken = new Set(
    Object.entries(given)
      .filter(([h]) => headers.includes(h))
      .map(([, f]) => f),
  );
  const mapping: LeadColumnMapping = {};
  for (const header of headers) {
    const own = given[header];
    const proposal = suggested[header];
    mapping[header] = own ?? (proposal && proposal !== 'custom' && !taken.has(proposal) ? proposal : 'custom');
  }
  return mapping;
}

/**
 * Keeps custom fields in column order while they fit LEAD_LIMITS (how many, how much text);
 * returns what was left out.
 */
export function capCustomFields(custom: Record<string, string>): { kept: Record<string, string>; left: string[] } {
  const kept: Record<string, string> = {};
  const left: string[] = [];
  let count = 0;
  let chars = 0;
  for (const [key, value] of Object.entries(custom)) {
    const size = key.length + value.length;
    if (count < LEAD_LIMITS.customFields && chars + size <= LEAD_LIMITS.customTotalChars) {
      kept[key] = value;
      count++;
      chars += size;
    } else {
      left.push(key);
    }
  }
  return { kept, left };
}

/** The report line of a row whose custom fields were cut to LEAD_LIMITS. */
export function describeCap(row: number, total: number, left: readonly string[]): string {
  const named = left
    .slice(0, 3)
    .map((k) => `"${k}"`)
    .join(', ');
  const more = left.length > 3 ? ` and ${(left.length - 3).toLocaleString('en-US')} more` : '';
  return (
    `Row ${row}: kept ${(total - left.length).toLocaleString('en-US')} of ${total.toLocaleString('en-US')} custom fields ` +
    `(a lead keeps at most ${LEAD_LIMITS.customFields}, with ${LEAD_LIMITS.customTotalChars.toLocaleString('en-US')} characters in all); ` +
    `left out ${named}${more}. Map the columns you need, or set the others to Ignore.`
  );
}

/** Turns one record into a lead, or into the reasons it cannot be one. */
function convertRecordToLead(
  record: readonly string[],
  headers: readonly string[],
  fields: readonly LeadField[],
  problems: readonly string[],
): { lead: LeadContext; left: string[]; customCount: number } | { reasons: string[] } {
  const reasons = [...problems];
  if (record.length < headers.length) {
    reasons.push(`the row has ${record.length} columns but the header has ${headers.length}`);
  } else if (record.length > headers.length && record.slice(headers.length).some((cell) => cell.trim() !== '')) {
    reasons.push(`the row has ${record.length} columns but the header has ${headers.length} (check for an unquoted delimiter)`);
  }
  const lead: LeadContext = {};
  const custom: Record<string, string> = {};
  headers.forEach((header, i) => {
    const field = fields[i];
    const value = (record[i] ?? '').trim();
    if (field === undefined || field === 'ignore' || value === '') return;
    if (field !== 'custom' && lead[field] === undefined) {
      const clean = field === 'email' ? normalizeEmail(value) : value;
      if (clean.length > LEAD_LIMITS.fieldChars) reasons.push(`"${header}" is longer than ${LEAD_LIMITS.fieldChars} characters`);
      else lead[field] = clean;
      return;
    }
    // A second column mapped to a field already filled is kept rather than lost.
    if (value.length > LEAD_LIMITS.customValueChars) reasons.push(`"${header}" is longer than ${LEAD_LIMITS.customValueChars} characters`);
    else custom[header] = value;
  });
  if (lead.email !== undefined && (!EMAIL.test(lead.email) || CONTROL.test(lead.email))) reasons.push(`"${lead.email}" is not a valid email address`);
  if (!lead.firstName && !lead.lastName && !lead.email && !lead.company) {
    reasons.push('the row has no name, email or company: map at least one of these columns, or fill it in');
  }
  if (reasons.length > 0) return { reasons };
  const customCount = Object.keys(custom).length;
  const { kept, left } = capCustomFields(custom);
  if (Object.keys(kept).length > 0) lead.customFields = kept;
  return { lead, left, customCount };
}

/**
 * Parses every row into a `LeadContext` with the user's column mapping. Columns missing from the
 * mapping, and columns mapped to `custom`, are kept as custom fields under their header, within
 * LEAD_LIMITS (rows cut to them are reported in `capped`). Rows with problems (wrong column
 * count, a bad email, nothing to address the lead by, an over-long value, broken quoting) are
 * reported with their spreadsheet row number and left out of `rows`. Emails are trimmed, lose a
 * `mailto:` and get a lower-case domain.
 */
export async function parseLeadCsv(source: LeadCsvSource, mapping: LeadColumnMapping, options: LeadCsvParseOptions = {}): Promise<LeadCsvParseResult> {
  const opened = await openLeadCsv(source, options);
  const rows: ParsedLeadRow[] = [];
  const errors: LeadRowError[] = [];
  const capped: LeadRowError[] = [];
  let blankRows = 0;
  let resolved: LeadColumnMapping = {};
  let fields: LeadField[] = [];
  const scan = await scanLeadCsv(
    opened,
    options,
    (headers, sample) => {
      resolved = resolveMapping(headers, sample, mapping, options.suggestUnmapped ?? false);
      // resolveMapping maps every header; 'custom' is its own default.
      fields = headers.map((header) => resolved[header] ?? 'custom');
    },
    (record, index, current) => {
      const row = index + 1;
      const problems = current.problems.get(index) ?? [];
      if (problems.length === 0 && isBlankRecord(record)) {
        blankRows++;
        return;
      }
      const outcome = convertRecordToLead(record, current.headers, fields, problems);
      if ('reasons' in outcome) {
        errors.push({ row, message: `Row ${row}: ${outcome.reasons.join('; ')}.` });
        return;
      }
      rows.push({ row, lead: outcome.lead });
      if (outcome.left.length > 0) capped.push({ row, message: describeCap(row, outcome.customCount, outcome.left) });
    },
  );
  if (capped.length > 0) {
    opened.warnings.push(
      `${capped.length.toLocaleString('en-US')} row${capped.length === 1 ? ' had' : 's had'} more custom data than a lead keeps ` +
        `(${LEAD_LIMITS.customFields} fields, ${LEAD_LIMITS.customTotalChars.toLocaleString('en-US')} characters); the first fields that fit were kept (rows ${capped
          .slice(0, 5)
          .map((c) => c.row)
          .join(', ')}${capped.length > 5 ? ', …' : ''}).`,
    );
  }
  return { ...pickReading(opened), headers: scan.headers, mapping: resolved, rows, errors, capped, blankRows };
}

/** The rows an import refused, as CSV (`row,message`), so the user can fix them in the spreadsheet. */
export function exportRowErrorsCsv(errors: readonly LeadRowError[]): string {
  return formatCsv(
    ['row', 'message'],
    errors.map((error) => [error.row, error.message]),
  );
}
