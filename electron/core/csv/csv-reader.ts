import { Readable } from 'node:stream';

/** The delimiters a lead file may use. Spreadsheets in comma-decimal locales write `;`, Excel's "Unicode text" a tab. */
export const LEAD_CSV_DELIMITERS = [',', ';', '\t'] as const;

/** How much text one parse step handles before yielding to the event loop. */
const SLICE_CHARS = 256 * 1024;
/** How much of the start of a file the delimiter and header guesses read. */
const HEAD_CHARS = 64 * 1024;
const HEAD_RECORDS = 50;
/** A header further down than this is not looked for: the first line is taken instead. */
const MAX_PREAMBLE_RECORDS = 20;

/** papaparse, loaded by the first CSV read rather than at start (every CLI command and the window would pay for it). */
async function loadPapa(): Promise<typeof import('papaparse')> {
  return (await import('papaparse')).default;
}

/** A structural problem papaparse found, e.g. an unclosed quote, tied to a record index. */
export interface CsvSyntaxProblem {
  /** 0-based record index; the first record is 0. */
  record: number;
  message: string;
}

export interface ReadCsvOptions {
  delimiter: string;
  /** Called with each batch of records in file order; `firstIndex` is the 0-based index of `records[0]`. */
  onRecords(records: string[][], firstIndex: number): void;
  onProblem(problem: CsvSyntaxProblem): void;
  signal?: AbortSignal;
}

/** Strips a UTF-8 byte-order mark, which Excel writes in front of "CSV UTF-8" files. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Excel's `sep=;` first line names the delimiter (and Excel hides the line). Returns the
 * delimiter and the text after the line, or null when the file has none.
 */
export function takeSepLine(text: string): { delimiter: string; rest: string } | null {
  const match = /^"?sep=([,;\t|])"?[ \t]*(\r\n|\n|\r|$)/i.exec(text);
  const delimiter = match?.[1];
  return match && delimiter ? { delimiter, rest: text.slice(match[0].length) } : null;
}

/** How many columns a record really uses: trailing empty cells (a trailing delimiter) do not count. */
export function countRecordWidth(record: readonly string[]): number {
  let width = record.length;
  while (width > 0 && record[width - 1]?.trim() === '') width--;
  return width;
}

export function isBlankRecord(record: readonly string[]): boolean {
  return countRecordWidth(record) === 0;
}

/** The most common width of at least 2 among the records (the wider on a tie), and how many have it. */
function findModeWidth(records: readonly string[][]): { width: number; count: number } {
  const counts = new Map<number, number>();
  for (const record of records) {
    const width = countRecordWidth(record);
    if (width >= 2) counts.set(width, (counts.get(width) ?? 0) + 1);
  }
  let best = { width: 0, count: 0 };
  for (const [width, count] of counts) if (count > best.count || (count === best.count && width > best.width)) best = { width, count };
  return best;
}

async function readHead(text: string, delimiter: string): Promise<string[][]> {
  const Papa = await loadPapa();
  return Papa.parse<string[]>(text.slice(0, HEAD_CHARS), { delimiter, preview: HEAD_RECORDS }).data;
}

/**
 * Guesses `,`, `;` or tab from the start of the file: the one that splits the most records into
 * the same number of columns (more than one). `,` when nothing is conclusive.
 */
export async function detectDelimiter(text: string): Promise<string> {
  let best = { delimiter: ',', count: 0, width: 0 };
  for (const delimiter of LEAD_CSV_DELIMITERS) {
    const { width, count } = findModeWidth(await readHead(text, delimiter));
    if (count > best.count || (count === best.count && count > 0 && width > best.width)) best = { delimiter, count, width };
  }
  return best.delimiter;
}

/** A cell no header has: an email address or a link. */
function isDataCell(cell: string): boolean {
  return cell.includes('@') || cell.includes('://');
}

/**
 * Finds the header record: the first one as wide as the table below it. Lines before it are a
 * preamble, such as the "Notes:" block at the top of a LinkedIn export. Returns the 0-based
 * record index (0 when there is no preamble).
 */
export async function findHeaderRecord(text: string, delimiter: string): Promise<number> {
  const head = await readHead(text, delimiter);
  const { width } = findModeWidth(head);
  const firstFilled = head.findIndex((record) => !isBlankRecord(record));
  if (width < 2 || firstFilled === -1) return Math.max(0, firstFilled);
  const header = head.findIndex((record, i) => i >= firstFilled && countRecordWidth(record) >= width && !record.some(isDataCell));
  if (header === -1 || head.slice(0, header).filter((r) => !isBlankRecord(r)).length > MAX_PREAMBLE_RECORDS) return firstFilled;
  return header;
}

/**
 * Slices the text so that no slice ends inside a `""` escape or a CRLF pair: papaparse's streaming
 * mode re-parses a partial last line, but reports a spurious "InvalidQuotes" when a slice boundary
 * falls between two quote characters.
 */
async function* sliceText(text: string, signal?: AbortSignal): AsyncGenerator<string> {
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + SLICE_CHARS);
    while (end < text.length && (text[end - 1] === '"' || text[end - 1] === '\r' || text[end] === '"')) end++;
    yield text.slice(start, end);
    start = end;
    // Yield to the event loop between slices, so IPC and rendering go on while a large file parses.
    await new Promise<void>((resolve) => setImmediate(resolve));
    signal?.throwIfAborted();
  }
}

/**
 * Reads every record of a CSV text in slices, yielding to the event loop between them, so a
 * 100,000-row file never blocks the process for long. Blank lines are records too (as `['']`),
 * so record indexes match the rows a spreadsheet shows.
 */
export async function readCsvRecords(text: string, options: ReadCsvOptions): Promise<void> {
  const Papa = await loadPapa();
  return new Promise<void>((resolve, reject) => {
    let next = 0;
    const stream = Readable.from(sliceText(text, options.signal));
    stream.on('error', reject);
    Papa.parse<string[]>(stream, {
      delimiter: options.delimiter,
      chunk(results) {
        for (const error of results.errors) {
          options.onProblem({ record: next + (error.row ?? 0), message: error.message });
        }
        options.onRecords(results.data, next);
        next += results.data.length;
      },
      complete: () => resolve(),
      error: (error: Error) => reject(error),
    });
  });
}
