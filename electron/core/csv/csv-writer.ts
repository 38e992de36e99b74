/**
 * Spreadsheet formula injection: a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage
 * return, which some spreadsheets skip before reading the formula) is run as a formula when the CSV
 * is opened, e.g. `=HYPERLINK(...)` in a lead's company name. A leading apostrophe makes the
 * spreadsheet show the text as typed. See https://owasp.org/www-community/attacks/CSV_Injection
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** Makes a cell safe to open in a spreadsheet (see FORMULA_START). */
export function neutralizeFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** Quotes a cell when it holds a delimiter, a quote or a line break (RFC 4180), after neutralizing formulas. */
export function escapeCsvCell(value: string | number | null | undefined, delimiter = ','): string {
  if (value === null || value === undefined) return '';
  const text = neutralizeFormula(String(value));
  return text.includes(delimiter) || /["\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows to CSV text with CRLF line ends, as RFC 4180 and spreadsheet importers expect. */
export function formatCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null | undefined>>): string {
  const lines = [header, ...rows].map((row) => row.map((cell) => escapeCsvCell(cell)).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
