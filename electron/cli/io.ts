import { readFile } from 'node:fs/promises';

/** A mistake in how the CLI was called: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The message of anything thrown: a library's parse error, a usage error. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The errno code of a failed file operation ("ENOENT", "ENOSPC"), when it has one. */
export function errnoCode(error: unknown): string | undefined {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  return typeof code === 'string' ? code : undefined;
}

export interface Output {
  json: boolean;
  /** Writes to stdout. */
  out(text: string): void;
  /** Writes to stderr (progress, hints). */
  err(text: string): void;
}

export async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new UsageError(`Cannot read ${what} file "${path}": check the path.`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`The ${what} file "${path}" is not valid JSON (${messageOf(error)}): fix it and try again.`);
  }
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/** Fixed-width columns for humans. */
export function formatTable(header: string[], rows: Array<Array<string | number>>): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function formatUsd(usd: number): string {
  return usd < 0.01 && usd > 0 ? `$${usd.toFixed(6)}` : `$${usd.toFixed(4)}`;
}

export function parseList(value: string | undefined, flag: string): string[] | undefined {
  if (value === undefined) return undefined;
  const list = value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  if (list.length === 0) throw new UsageError(`${flag} needs a comma-separated list.`);
  return list;
}

/** A whole number from a flag; a usage error otherwise. Undefined only when the value is. */
export function parseInteger(value: string, flag: string): number;
export function parseInteger(value: string | undefined, flag: string): number | undefined;
export function parseInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} needs a whole number, got "${value}".`);
  return Number(value);
}
