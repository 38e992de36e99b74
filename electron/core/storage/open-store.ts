import Database from 'better-sqlite3';
import { accessSync, constants, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError } from '../errors';
import { CorruptDatabaseError, guardMethods, isCorruption, isSqliteError, readOnlyDatabaseError, toStorageError } from './errors';
import { MIGRATIONS } from './migrations';
import { createOrgStores } from './org-store';
import {
  createJobRepository,
  createLeadRepository,
  createMetaRepository,
  createOrgRecord,
  createOrgRepository,
  createOrgTeamRepository,
  createProfileRepository,
  createReplyRepository,
  createSequenceRepository,
  createTeamRepository,
  createTemplateRepository,
  createInterruptedCallSettler,
  createUsageRepository,
  createUserRepository,
} from './repositories';
import type { Migration, OpenStoreOptions, SqliteDatabase, Store } from './types';

export const DEFAULT_DB_FILE = 'outreach-desk.db';

/** Files SQLite keeps beside the database; they belong to it and move with it. */
const COMPANION_SUFFIXES = ['-wal', '-shm', '-journal'];

/**
 * Opens (or creates) the app's one database: WAL, foreign keys on, `synchronous = FULL` (the
 * usage ledger is billing data and must survive a power loss), a busy timeout, then a
 * `quick_check` and the pending migrations. See README.md beside this file for the rules.
 */
export function openStore(options: OpenStoreOptions): Store {
  const dataDir = resolve(options.dataDir);
  const path = join(dataDir, options.fileName ?? DEFAULT_DB_FILE);
  const timeout = options.busyTimeoutMs ?? 5000;
  const migrations = checkMigrations(options.migrations ?? MIGRATIONS);
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw toStorageError(error, dataDir);
  }

  // SQLite opens a file it may not write read-only without a word, and fails at the first write
  // (or at close): say so before anything runs.
  for (const file of [path, ...COMPANION_SUFFIXES.map((suffix) => path + suffix)]) {
    if (!existsSync(file)) continue;
    try {
      accessSync(file, constants.W_OK);
    } catch (error) {
      throw readOnlyDatabaseError(path, error);
    }
  }

  let recoveredFrom: string | null = null;
  let db: SqliteDatabase;
  try {
    db = openChecked(path, timeout, options.nativeBinding);
  } catch (error) {
    if (!isCorruption(error)) throw toStorageError(error, path);
    if ((options.onCorrupt ?? 'fail') === 'fail') throw new CorruptDatabaseError(path, error);
    recoveredFrom = moveAside(path);
    try {
      db = openChecked(path, timeout, options.nativeBinding);
    } catch (retryError) {
      throw toStorageError(retryError, path);
    }
  }

  try {
    const backupPath = migrate(db, migrations, path, dataDir);
    return createStore(db, { path, recoveredFrom, backupPath });
  } catch (error) {
    db.close();
    throw toStorageError(error, path);
  }
}

function checkMigrations(migrations: readonly Migration[]): readonly Migration[] {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Migration ${m.name} has version ${m.version}; expected ${i + 1}. Versions run 1, 2, 3… without gaps.`);
  });
  return migrations;
}

/**
 * Proves an existing file is a healthy database, then opens it for writing; a new file is just
 * created. The check runs on a read-only connection because closing a read-write connection to a
 * damaged file makes SQLite delete its -wal, and the user's files must be kept as they were.
 */
function openChecked(path: string, timeout: number, nativeBinding?: string): SqliteDatabase {
  if (existsSync(path) && statSync(path).size > 0) {
    const reader = new Database(path, { readonly: true, fileMustExist: true, timeout, nativeBinding });
    try {
      // A non-database file fails here with SQLITE_NOTADB; damaged pages fail the check.
      const check = reader.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw Object.assign(new Error(`quick_check failed: ${String(check)}`), { code: 'SQLITE_CORRUPT' });
    } finally {
      reader.close();
    }
  }
  const db = new Database(path, { timeout, nativeBinding });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Renames the damaged file and its companions to `<name>.corrupt-<timestamp>[-wal|-shm]`, so SQLite can still open the set. */
function moveAside(path: string): string {
  const stamp = new Date().toISOString().replace(/[-:.]/g, '');
  let target = `${path}.corrupt-${stamp}`;
  for (let n = 2; existsSync(target); n++) target = `${path}.corrupt-${stamp}-${n}`;
  try {
    renameSync(path, target);
    for (const suffix of COMPANION_SUFFIXES) {
      if (existsSync(path + suffix)) renameSync(path + suffix, target + suffix);
    }
  } catch (error) {
    throw toStorageError(error, path);
  }
  return target;
}

/** Runs the pending migrations, each in its own transaction with its `user_version`. Returns the backup made first, if any. */
function migrate(db: SqliteDatabase, migrations: readonly Migration[], path: string, dataDir: string): string | null {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new AppError(
      'storage',
      `The data file ${path} was written by a newer version of Outreach Desk (data version ${current}; this version reads up to ${latest}). Update Outreach Desk to open it. The file was not changed.`,
    );
  }
  const pending = migrations.filter((m) => m.version > current);
  if (pending.length === 0) return null;
  const backupPath = current > 0 ? backUp(db, dataDir, current) : null;
  for (const migration of pending) {
    try {
      db.transaction(() => {
        migration.up(db);
        db.pragma(`user_version = ${migration.version}`);
      })();
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (isSqliteError(error) && /^SQLITE_(FULL|READONLY|CANTOPEN|BUSY|IOERR)/.test((error as { code: string }).code)) {
        throw toStorageError(error, path);
      }
      const copy = backupPath ? ` A copy made before the update is at ${backupPath}.` : '';
      throw new AppError(
        'storage',
        `Updating the data file to version ${migration.version} (${migration.name}) failed and was rolled back, so nothing changed.${copy} Please report it.`,
        { cause: error },
      );
    }
  }
  return backupPath;
}

/** An online copy via VACUUM INTO: consistent even with a -wal beside it, which a raw file copy is not. */
function backUp(db: SqliteDatabase, dataDir: string, version: number): string {
  const dir = join(dataDir, 'backups');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[-:.]/g, '');
  let target = join(dir, `outreach-desk-v${version}-${stamp}.db`);
  for (let n = 2; existsSync(target); n++) target = join(dir, `outreach-desk-v${version}-${stamp}-${n}.db`);
  db.prepare('VACUUM INTO ?').run(target);
  return target;
}

function createStore(db: SqliteDatabase, info: { path: string; recoveredFrom: string | null; backupPath: string | null }): Store {
  // Repositories prepare their statements when first used, so a store opened on an older
  // schema (a test fixture, a backup) works for the tables that schema has.
  const lazy = <T extends object>(create: () => T): (() => T) => {
    let repo: T | undefined;
    return () => (repo ??= guardMethods(create(), info.path));
  };
  /** A factory of one organization's repository, made once; `forOrg` guards what it binds. */
  const once = <T>(create: () => T): (() => T) => {
    let made: T | undefined;
    return () => (made ??= create());
  };
  const meta = lazy(() => createMetaRepository(db));
  const usersOf = once(() => createUserRepository(db));
  const orgs = lazy(() => createOrgRepository(db, usersOf(), meta()));
  const jobsOf = once(() => createJobRepository(db, info.path));
  const jobs = lazy(() => jobsOf().run);
  const team = lazy(() => createTeamRepository(db));
  const forOrg = createOrgStores(db, info.path, {
    org: once(() => createOrgRecord(db)),
    users: usersOf,
    profiles: once(() => createProfileRepository(db)),
    templates: once(() => createTemplateRepository(db)),
    leads: once(() => createLeadRepository(db)),
    sequences: once(() => createSequenceRepository(db)),
    replies: once(() => createReplyRepository(db)),
    usage: once(() => createUsageRepository(db)),
    jobs: () => jobsOf().forOrg,
    team: once(() => createOrgTeamRepository(db)),
  });
  const settleInterrupted = once(() => createInterruptedCallSettler(db));
  let closed = false;
  return {
    path: info.path,
    recoveredFrom: info.recoveredFrom,
    backupPath: info.backupPath,
    schemaVersion: db.pragma('user_version', { simple: true }) as number,
    get orgs() {
      return orgs();
    },
    get meta() {
      return meta();
    },
    get jobs() {
      return jobs();
    },
    get team() {
      return team();
    },
    forOrg: (orgId) => {
      try {
        return forOrg(orgId);
      } catch (error) {
        throw toStorageError(error, info.path);
      }
    },
    transaction: (fn) => {
      try {
        return db.transaction(fn)();
      } catch (error) {
        // The caller's own errors pass through untouched; only SQLite's are translated.
        throw isSqliteError(error) ? toStorageError(error, info.path) : error;
      }
    },
    integrityCheck: () => {
      try {
        const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
        return rows.map((row) => row.integrity_check);
      } catch (error) {
        throw toStorageError(error, info.path);
      }
    },
    settleInterruptedCalls: (isGone) => {
      try {
        return settleInterrupted()(isGone);
      } catch (error) {
        throw toStorageError(error, info.path);
      }
    },
    close: () => {
      if (closed) return;
      closed = true;
      try {
        db.pragma('wal_checkpoint(TRUNCATE)');
      } catch {
        // A read-only file or a full disk refuses the checkpoint; the WAL stays and is replayed at the next open.
      }
      try {
        db.close();
      } catch {
        // Nothing is left to lose: every write committed (or failed) when it was made.
      }
    },
  };
}
