import { accessSync, constants } from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '../errors';
import { otherFolder } from '../paths';

/**
 * Thrown by `openStore` with `onCorrupt: 'fail'` when the file is not a readable database.
 * Nothing has been moved or changed; the app can ask the user, then reopen with `onCorrupt: 'move-aside'`.
 */
export class CorruptDatabaseError extends AppError {
  override name = 'CorruptDatabaseError';
  /** The database file that could not be read. */
  readonly path: string;

  constructor(path: string, cause: unknown) {
    super(
      'storage',
      `The data file ${path} is damaged or is not an Outreach Desk database. Start fresh: the damaged file is kept beside it as a .corrupt copy, never deleted.`,
      { retryable: false, cause },
    );
    this.path = path;
  }
}

/** The files of the database (itself, its -wal and -shm) that exist and this process may not write. */
function readOnlyFiles(path: string): string[] {
  return [path, `${path}-wal`, `${path}-shm`].filter((file) => {
    try {
      accessSync(file, constants.W_OK);
      return false;
    } catch (error) {
      return errorCode(error) !== 'ENOENT';
    }
  });
}

/** The database cannot be written: names the file that is read-only (the database, or its -wal or -shm beside it) and the fix. */
export function readOnlyDatabaseError(path: string, cause: unknown): AppError {
  const files = readOnlyFiles(path);
  const named = files.length === 0 ? [path] : files;
  const what = named.length === 1 ? `The database file ${named[0]} is read-only` : `The database files ${named.join(', ')} are read-only`;
  return new AppError(
    'storage',
    (w) =>
      `${what}: make ${named.length === 1 ? 'it' : 'them'} writable (on Linux and macOS: chmod u+w ${named.map((f) => `"${f}"`).join(' ')}), ${otherFolder(w)}.`,
    { retryable: false, cause },
  );
}

/** SQLite result codes and Node file errors, read off whatever was thrown. */
function errorCode(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') return error.code;
  return '';
}

/** True when SQLite says the bytes are not a usable database. */
export function isCorruption(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT');
}

/**
 * Maps a SQLite or file-system error onto an AppError whose message names the fix. `where` is
 * the data file or directory the error is about.
 */
export function toStorageError(error: unknown, where: string): AppError {
  if (error instanceof AppError) return error;
  const code = errorCode(error);
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') {
    const folder = where.endsWith('.db') ? dirname(where) : where;
    return new AppError('storage', (w) => `The disk holding ${folder} is full: free some space, then try again, ${otherFolder(w)}. Nothing was saved.`, {
      retryable: true,
      cause: error,
    });
  }
  if (code === 'SQLITE_READONLY' && where.endsWith('.db')) return readOnlyDatabaseError(where, error);
  if (
    code.startsWith('SQLITE_READONLY') ||
    code.startsWith('SQLITE_CANTOPEN') ||
    code.startsWith('SQLITE_PERM') ||
    code === 'EACCES' ||
    code === 'EPERM' ||
    code === 'EROFS' ||
    code === 'ENOTDIR'
  ) {
    return new AppError(
      'storage',
      `Outreach Desk cannot write its data at ${where}: make that folder writable (check its permissions and that the disk is not read-only), or start Outreach Desk with another data directory (--data-dir).`,
      { retryable: false, cause: error },
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new AppError('storage', `The data file ${where} is busy in another Outreach Desk window or process: close it, then try again.`, {
      retryable: true,
      cause: error,
    });
  }
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
    return new AppError('validation', 'A record this refers to does not exist (it may have been deleted): reload and try again.', {
      retryable: false,
      cause: error,
    });
  }
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') {
    return new AppError('conflict', 'A record with this id already exists: reload and try again.', { retryable: false, cause: error });
  }
  if (isCorruption(error)) {
    return new AppError(
      'storage',
      (w) => `The data file ${where} is damaged: ${w.restart} to check it, and start fresh${w.surface === 'cli' ? ' (--start-fresh)' : ''} if needed.`,
      {
        retryable: false,
        cause: error,
      },
    );
  }
  if (error instanceof TypeError && /database connection is not open/.test(error.message)) {
    return new AppError('storage', (w) => `The data file is already closed: ${w.restart}.`, { retryable: false, cause: error });
  }
  return new AppError('storage', `Reading or writing the data file ${where} failed. The details are in the log; please report it.`, {
    retryable: false,
    cause: error,
  });
}

/** Wraps every method of a repository so whatever SQLite throws leaves as an AppError. */
export function guardMethods<T extends object>(target: T, where: string): T {
  const guarded: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(target)) {
    guarded[key] =
      typeof value === 'function'
        ? (...args: unknown[]) => {
            try {
              return (value as (...a: unknown[]) => unknown).apply(target, args);
            } catch (error) {
              throw toStorageError(error, where);
            }
          }
        : value;
  }
  return guarded as T;
}

/** True for errors better-sqlite3 raised (they carry a SQLITE_* code). */
export function isSqliteError(error: unknown): boolean {
  return errorCode(error).startsWith('SQLITE_');
}
