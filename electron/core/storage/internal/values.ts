import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { AppError } from '../../errors';

export function newId(): string {
  return randomUUID();
}

export function nowIso(): string {
  return new Date().toISOString();
}

/** SQLite NULL becomes a missing field, as the optional zod fields expect. */
export function optional<T>(value: T | null): T | undefined {
  return value === null ? undefined : value;
}

export function toJson(value: unknown): string {
  return JSON.stringify(value);
}

export function fromJson(text: string): unknown {
  return JSON.parse(text);
}

export function fromJsonOrNull(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}

const NANO = 1_000_000_000;

/** Costs are stored as integer nano-dollars so the ledger sums exactly. */
export function toNanoUsd(usd: number): number {
  return Math.round(usd * NANO);
}

export function fromNanoUsd(nano: number): number {
  return nano / NANO;
}

/** Parses input at the storage boundary; a failure names the field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string, prefix = ''): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue ? issue.path.map(String).join('.') : '';
  const field = [prefix, path].filter(Boolean).join('.');
  throw new AppError('validation', `The ${what} is not valid${field ? ` at ${field}` : ''}: ${issue?.message ?? 'unknown problem'}.`, {
    field: field || undefined,
  });
}

export function notFound(what: string, id: string, field?: string): AppError {
  return new AppError('not_found', `No ${what} with id ${id}: it may have been deleted. Reload and try again.`, { field });
}

/** A row read back by its id: the row, or the not-found error when another process deleted it meanwhile. */
export function requireRow<T>(row: T | null | undefined, what: string, id: string): T {
  if (row === null || row === undefined) throw notFound(what, id);
  return row;
}

/** Splits ids into chunks below SQLite's bound-parameter limit. */
export function chunk<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Escapes a user's search text for `LIKE … ESCAPE '\'`. */
export function likePattern(query: string): string {
  return `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
