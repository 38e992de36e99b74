import { Readable } from 'node:stream';

/** papaparse, loaded by the first CSV read rather than at start (every CLI command and the window would pay for it). */
async function loadPapa(): Promise<typeof import('papaparse')> {
  return (await import('papaparse')).default;
}

/** The delimiters a lead file may use. Spreadsheets in comma-decimal locales write `;`. */
export const LEAD_CSV_DELIMITERS = [',', ';', '\t'] as const;

/** How much text one parse step handles before yielding to the event loop. */
const SLICE_CHARS = 256 * 1024;

/** A structural problem papaparse found, e.g. an unclosed quote, tied to a record index. */
export interface CsvSyntaxProblem {
  /** 0-based record index; the header is record 0. */
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

/** Guesses `,`, `;` or tab from the start of the file; `,` when nothing is conclusive. */
export async function detectDelimiter(text: string): Promise<string> {
  const Papa = await loadPapa();
  const head = text.slice(0, 64 * 1024);
  const result = Papa.parse<string[]>(head, { preview: 50, delimitersToGuess: [...LEAD_CSV_DELIMITERS] });
  const guessed = result.meta.delimiter;
  return (LEAD_CSV_DELIMITERS as readonly string[]).includes(guessed) ? guessed : ',';
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
