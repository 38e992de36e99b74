import type { z } from 'zod';
import type { LeadContext } from '../../../shared/domain/lead';
import type { leadFieldSchema } from '../../../shared/ipc/jobs';
import { AppError } from '../errors';
import { detectDelimiter, readCsvRecords, stripBom } from './csv-reader';
import { formatCsv } from './csv-writer';

/** Where a CSV column goes: a `LeadContext` field, `custom` (kept under its header), or `ignore`. */
export type LeadField = z.infer<typeof leadFieldSchema>;
/** Column header → lead field. Columns missing from the mapping are kept as custom fields. */
export type LeadColumnMapping = Record<string, LeadField>;

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

/** What the mapping step shows before anything is imported. */
export interface LeadCsvPreview {
  headers: string[];
  delimiter: string;
  /** Data rows that are not blank. */
  rowCount: number;
  /** The first rows as the file has them, one string per column. */
  sample: string[][];
  suggestedMapping: LeadColumnMapping;
}

/**
 * The outcome of a parse. Every non-blank data row is either in `rows` or in `errors`: no row is
 * dropped silently. Blank lines carry nothing and are only counted.
 */
export interface LeadCsvParseResult {
  headers: string[];
  delimiter: string;
  rows: ParsedLeadRow[];
  errors: LeadRowError[];
  blankRows: number;
}

export interface LeadCsvOptions {
  /** Defaults to the delimiter detected from the start of the file. */
  delimiter?: string;
  signal?: AbortSignal;
}

type StandardField = Exclude<LeadField, 'custom' | 'ignore'>;

const SAMPLE_ROWS = 5;
/** Limits of `leadContextSchema`, checked here so each row gets its own clear message. */
const MAX_FIELD_CHARS = 500;
const MAX_CUSTOM_VALUE_CHARS = 5000;
const MAX_CUSTOM_KEY_CHARS = 100;
const EMAIL = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;

/** Header spellings seen in CRM and spreadsheet exports, normalized to lower-case letters and digits. */
const HEADER_SYNONYMS: Record<StandardField, string[]> = {
  firstName: ['firstname', 'first', 'givenname', 'fname', 'forename', 'prenom', 'vorname', 'nombre', 'contactfirstname'],
  lastName: ['lastname', 'last', 'surname', 'familyname', 'lname', 'nom', 'nachname', 'apellido', 'apellidos', 'contactlastname'],
  email: ['email', 'emailaddress', 'mail', 'workemail', 'businessemail', 'emailadresse', 'correo', 'contactemail'],
  phone: ['phone', 'phonenumber', 'telephone', 'tel', 'mobile', 'mobilephone', 'cell', 'cellphone', 'telefon', 'telefono', 'workphone'],
  company: ['company', 'companyname', 'organization', 'organisation', 'account', 'accountname', 'employer', 'firma', 'empresa', 'unternehmen'],
  jobTitle: ['jobtitle', 'title', 'position', 'role', 'jobrole', 'designation', 'funktion', 'cargo', 'poste'],
  industry: ['industry', 'sector', 'vertical', 'branche', 'industria'],
  linkedinUrl: ['linkedin', 'linkedinurl', 'linkedinprofile', 'linkedinprofileurl', 'personlinkedinurl', 'profileurl'],
};

const SYNONYM_TO_FIELD = new Map<string, StandardField>(
  (Object.entries(HEADER_SYNONYMS) as Array<[StandardField, string[]]>).flatMap(([field, names]) =>
    names.map((name) => [name, field] as const),
  ),
);

function normalizeHeader(header: string): string {
  return header
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** Proposes a field for each header; a field is proposed once, to its first matching column. */
export function suggestLeadMapping(headers: readonly string[]): LeadColumnMapping {
  const mapping: LeadColumnMapping = {};
  const taken = new Set<StandardField>();
  for (const header of headers) {
    const field = SYNONYM_TO_FIELD.get(normalizeHeader(header));
    if (field && !taken.has(field)) {
      mapping[header] = field;
      taken.add(field);
    } else {
      mapping[header] = 'custom';
    }
  }
  return mapping;
}

/** Names every column: blank headers become "Column N", repeats get " (2)", " (3)"… */
function nameHeaders(cells: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return cells.map((cell, i) => {
    const base = cell.trim().slice(0, MAX_CUSTOM_KEY_CHARS) || `Column ${i + 1}`;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base} (${count})`;
  });
}

function isBlank(record: readonly string[]): boolean {
  return record.every((cell) => cell.trim() === '');
}

interface ScanResult {
  headers: string[];
  delimiter: string;
  /** Papaparse's structural problems by record index. */
  problems: Map<number, string[]>;
}

/**
 * Reads the file once, in slices, handing each data record (with its 0-based record index) to
 * `onData`. Throws a validation error for a file without a header row.
 */
async function scanLeadCsv(
  text: string,
  options: LeadCsvOptions,
  onData: (record: string[], index: number, scan: ScanResult) => void,
): Promise<ScanResult> {
  const body = stripBom(text);
  const scan: ScanResult = { headers: [], delimiter: options.delimiter ?? (await detectDelimiter(body)), problems: new Map() };
  let headerSeen = false;
  await readCsvRecords(body, {
    delimiter: scan.delimiter,
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
          if (isBlank(record)) return;
          scan.headers = nameHeaders(record);
          headerSeen = true;
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
  return scan;
}

/** Reads the header, the delimiter, a sample and the row count, and proposes a column mapping. */
export async function previewLeadCsv(text: string, options: LeadCsvOptions = {}): Promise<LeadCsvPreview> {
  const sample: string[][] = [];
  let rowCount = 0;
  const scan = await scanLeadCsv(text, options, (record) => {
    if (isBlank(record)) return;
    rowCount++;
    if (sample.length < SAMPLE_ROWS) sample.push(record);
  });
  return {
    headers: scan.headers,
    delimiter: scan.delimiter,
    rowCount,
    sample,
    suggestedMapping: suggestLeadMapping(scan.headers),
  };
}

/** Turns one record into a lead, or into the reasons it cannot be one. */
function convertRecordToLead(
  record: readonly string[],
  headers: readonly string[],
  fields: readonly LeadField[],
  problems: readonly string[],
): { lead: LeadContext } | { reasons: string[] } {
  const reasons = [...problems];
  if (record.length < headers.length) {
    reasons.push(`the row has ${record.length} columns but the header has ${headers.length}`);
  } else if (record.length > headers.length && record.slice(headers.length).some((cell) => cell.trim() !== '')) {
    reasons.push(`the row has ${record.length} columns but the header has ${headers.length} (check for an unquoted delimiter)`);
  }
  const lead: LeadContext = {};
  const custom: Record<string, string> = {};
  headers.forEach((header, i) => {
    const field = fields[i]!;
    const value = (record[i] ?? '').trim();
    if (field === 'ignore' || value === '') return;
    if (field !== 'custom' && lead[field] === undefined) {
      if (value.length > MAX_FIELD_CHARS) reasons.push(`"${header}" is longer than ${MAX_FIELD_CHARS} characters`);
      else lead[field] = value;
      return;
    }
    // A second column mapped to a field already filled is kept rather than lost.
    if (value.length > MAX_CUSTOM_VALUE_CHARS) reasons.push(`"${header}" is longer than ${MAX_CUSTOM_VALUE_CHARS} characters`);
    else custom[header] = value;
  });
  if (lead.email !== undefined && !EMAIL.test(lead.email)) reasons.push(`"${lead.email}" is not a valid email address`);
  if (!lead.firstName && !lead.lastName && !lead.email && !lead.company) {
    reasons.push('the row has no name, email or company: map at least one of these columns, or fill it in');
  }
  if (reasons.length > 0) return { reasons };
  if (Object.keys(custom).length > 0) lead.customFields = custom;
  return { lead };
}

/**
 * Parses every row into a `LeadContext` with the user's column mapping. Columns missing from the
 * mapping, and columns mapped to `custom`, are kept as custom fields under their header. Rows with
 * problems (wrong column count, a bad email, nothing to address the lead by, an over-long value,
 * broken quoting) are reported with their spreadsheet row number and left out of `rows`.
 */
export async function parseLeadCsv(
  text: string,
  mapping: LeadColumnMapping,
  options: LeadCsvOptions = {},
): Promise<LeadCsvParseResult> {
  const rows: ParsedLeadRow[] = [];
  const errors: LeadRowError[] = [];
  let blankRows = 0;
  let fields: LeadField[] | null = null;
  const scan = await scanLeadCsv(text, options, (record, index, current) => {
    fields ??= current.headers.map((header) => mapping[header] ?? 'custom');
    const row = index + 1;
    const problems = current.problems.get(index) ?? [];
    if (problems.length === 0 && isBlank(record)) {
      blankRows++;
      return;
    }
    const outcome = convertRecordToLead(record, current.headers, fields, problems);
    if ('lead' in outcome) rows.push({ row, lead: outcome.lead });
    else errors.push({ row, message: `Row ${row}: ${outcome.reasons.join('; ')}.` });
  });
  return { headers: scan.headers, delimiter: scan.delimiter, rows, errors, blankRows };
}

/** The rows an import refused, as CSV (`row,message`), so the user can fix them in the spreadsheet. */
export function exportRowErrorsCsv(errors: readonly LeadRowError[]): string {
  return formatCsv(['row', 'message'], errors.map((error) => [error.row, error.message]));
}
