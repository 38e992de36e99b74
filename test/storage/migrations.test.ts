import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../electron/core/errors';
import { CorruptDatabaseError, LATEST_SCHEMA_VERSION, MIGRATIONS, openStore, type Migration, type Store } from '../../electron/core/storage';
import { tempDir } from './temp-dir';
import { expectDefined } from '../helpers/expect-defined';

const STEP = { step: 1, delay_days: 0, channel: 'email' as const, subject: 'Hi', body: 'Hello {{firstName}}' };

function hashOf(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function expectAppError(fn: () => unknown, code: string, message: RegExp): AppError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(AppError);
  const error = caught as AppError;
  expect(error.code).toBe(code);
  expect(error.message).toMatch(message);
  return error;
}

/** The version-1 schema (the first shipped migration only) with a little of everything in it. */
function populateVersion1(dataDir: string): { orgId: string; leadId: string; sequenceId: string } {
  const store = openStore({ dataDir, migrations: MIGRATIONS.slice(0, 1) });
  expect(store.schemaVersion).toBe(1);
  const { org } = store.orgs.ensureFirstRun({ orgName: 'Acme' });
  const [leadId] = store.forOrg(org.id).leads.importMany([{ firstName: 'Ada', company: 'Analytical' }, { firstName: 'Bob' }]);
  const sequence = store.forOrg(org.id).sequences.save({ title: 'Ada intro', status: 'draft', steps: [STEP], leadId });
  store.forOrg(org.id).usage.record({
    id: 'u1',
    orgId: org.id,
    userId: null,
    operation: 'sequence',
    provider: 'anthropic',
    model: 'claude-x',
    inputTokens: 10,
    outputTokens: 20,
    cachedInputTokens: 0,
    costUsd: 0.5,
    priceTable: null,
    latencyMs: 5,
    outcome: 'ok',
    errorCode: null,
    requestId: null,
    createdAt: '2026-01-02T03:04:05.000Z',
  });
  store.close();
  return { orgId: org.id, leadId: expectDefined(leadId), sequenceId: sequence.id };
}

/** A step that only looks at the schema, to see what a failed step left behind. */
function probeMigration(seen: { tables: string[]; meta: unknown[] }): Migration {
  return {
    version: LATEST_SCHEMA_VERSION + 1,
    name: 'probe',
    up(db) {
      seen.tables = db
        .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
        .all()
        .map((r) => r.name);
      seen.meta = db.prepare('SELECT * FROM meta').all();
    },
  };
}

describe('migrations', () => {
  it('creates the latest schema in an empty directory, without a backup', () => {
    const dataDir = join(tempDir(), 'nested', 'data');
    const store = openStore({ dataDir });
    expect(store.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(store.path).toBe(join(dataDir, 'outreach-desk.db'));
    expect(store.backupPath).toBeNull();
    expect(store.recoveredFrom).toBeNull();
    expect(store.integrityCheck()).toEqual(['ok']);
    const { org } = store.orgs.ensureFirstRun();
    expect(store.forOrg(org.id).jobs.create({ kind: 'generate', provider: null, params: {}, items: [{}] }).total).toBe(1);
    store.close();
    const reopened = openStore({ dataDir });
    expect(reopened.backupPath).toBeNull();
    expect(reopened.orgs.getDefault()?.id).toBe(org.id);
    reopened.close();
  });

  it('upgrades a populated version-1 database, keeps its data and backs it up first', () => {
    const dataDir = tempDir();
    const before = populateVersion1(dataDir);
    const store = openStore({ dataDir });
    expect(store.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(store.backupPath).toMatch(/backups[/\\]outreach-desk-v1-.*\.db$/);
    expect(existsSync(expectDefined(store.backupPath))).toBe(true);
    expect(store.orgs.getDefault()?.name).toBe('Acme');
    expect(store.forOrg(before.orgId).leads.list({ offset: 0, limit: 10 }).total).toBe(2);
    expect(store.forOrg(before.orgId).sequences.get(before.sequenceId)?.steps).toEqual([STEP]);
    expect(
      store
        .forOrg(before.orgId)
        .sequences.findByLead(before.leadId)
        .map((s) => s.id),
    ).toEqual([before.sequenceId]);
    expect(store.forOrg(before.orgId).usage.summary({ groupBy: 'provider' }).totals.costUsd).toBe(0.5);
    const job = store.forOrg(before.orgId).jobs.create({ kind: 'generate', provider: 'openai', params: { a: 1 }, items: [{ leadId: before.leadId }] });
    expect(store.jobs.progress(job.id)).toMatchObject({ total: 1, pending: 1 });
    const backupPath = expectDefined(store.backupPath);
    store.close();

    // The copy is a whole, consistent version-1 database.
    const backup = openStore({
      dataDir: join(dataDir, 'backups'),
      fileName: expectDefined(backupPath.split(/[/\\]/).at(-1)),
      migrations: MIGRATIONS.slice(0, 1),
    });
    expect(backup.schemaVersion).toBe(1);
    expect(backup.integrityCheck()).toEqual(['ok']);
    expect(backup.forOrg(before.orgId).leads.list({ offset: 0, limit: 10 }).total).toBe(2);
    backup.close();
  });

  it('refuses a database from a newer version and leaves the file as it was', () => {
    const dataDir = tempDir();
    const future: Migration = { version: LATEST_SCHEMA_VERSION + 1, name: 'future', up: (db) => db.exec('CREATE TABLE future (x INTEGER) STRICT') };
    const store = openStore({ dataDir, migrations: [...MIGRATIONS, future] });
    const path = store.path;
    store.close();
    const hash = hashOf(path);
    expectAppError(() => openStore({ dataDir }), 'storage', /newer version of Outreach Desk .*Update Outreach Desk to open it/);
    expect(hashOf(path)).toBe(hash);
  });

  it('rolls a failing migration back completely, and says so', () => {
    const dataDir = tempDir();
    openStore({ dataDir }).close();
    const failing: Migration = {
      version: LATEST_SCHEMA_VERSION + 1,
      name: 'half-done',
      up(db) {
        db.exec("CREATE TABLE half (x INTEGER) STRICT; INSERT INTO meta (key, value) VALUES ('half', 'yes')");
        throw new Error('boom after the DDL');
      },
    };
    const error = expectAppError(
      () => openStore({ dataDir, migrations: [...MIGRATIONS, failing] }),
      'storage',
      new RegExp(`version ${LATEST_SCHEMA_VERSION + 1} \\(half-done\\) failed and was rolled back`),
    );
    expect(error.message).toMatch(/A copy made before the update is at .*backups/);

    const unchanged = openStore({ dataDir });
    expect(unchanged.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    unchanged.close();
    const seen = { tables: [] as string[], meta: [] as unknown[] };
    openStore({ dataDir, migrations: [...MIGRATIONS, probeMigration(seen)] }).close();
    expect(seen.tables).toContain('jobs');
    expect(seen.tables).not.toContain('half');
    expect(seen.meta).toEqual([]);
  });

  it('rejects a migration list with a gap', () => {
    expect(() => openStore({ dataDir: tempDir(), migrations: [expectDefined(MIGRATIONS[1])] })).toThrow(/expected 1/);
  });
});

describe('a corrupt or unusable file', () => {
  const garbage = Buffer.from('this is not a database file, just some text the user put here\n'.repeat(100));

  it('fails clearly by default and touches nothing', () => {
    const dataDir = tempDir();
    const path = join(dataDir, 'outreach-desk.db');
    writeFileSync(path, garbage);
    let caught: unknown;
    try {
      openStore({ dataDir });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CorruptDatabaseError);
    expect((caught as CorruptDatabaseError).code).toBe('storage');
    expect((caught as CorruptDatabaseError).path).toBe(path);
    expect((caught as Error).message).toMatch(/damaged or is not an Outreach Desk database/);
    expect(readFileSync(path)).toEqual(garbage);
  });

  it('moves a non-database file and its -wal aside, reports where, and starts fresh', () => {
    const dataDir = tempDir();
    const path = join(dataDir, 'outreach-desk.db');
    writeFileSync(path, garbage);
    writeFileSync(`${path}-wal`, 'wal bytes');
    const store = openStore({ dataDir, onCorrupt: 'move-aside' });
    expect(store.recoveredFrom).toMatch(/outreach-desk\.db\.corrupt-\d{8}T\d+Z$/);
    expect(readFileSync(expectDefined(store.recoveredFrom))).toEqual(garbage);
    expect(readFileSync(`${store.recoveredFrom}-wal`, 'utf8')).toBe('wal bytes');
    expect(store.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(store.orgs.ensureFirstRun().created).toBe(true);
    store.close();
    const again = openStore({ dataDir, onCorrupt: 'move-aside' });
    expect(again.recoveredFrom).toBeNull();
    again.close();
  });

  it('detects damaged pages inside a real database with quick_check', () => {
    const dataDir = tempDir();
    const first = openStore({ dataDir });
    const { org } = first.orgs.ensureFirstRun();
    first.forOrg(org.id).leads.importMany(Array.from({ length: 2000 }, (_, i) => ({ firstName: `Lead ${i}`, email: `l${i}@example.com` })));
    first.close();
    const bytes = readFileSync(first.path);
    // Keep the header page intact so the file still looks like SQLite; scribble over the pages after it.
    bytes.fill(0x5a, 4096 * 2, 4096 * 6);
    writeFileSync(first.path, bytes);
    const store = openStore({ dataDir, onCorrupt: 'move-aside' });
    expect(store.recoveredFrom).not.toBeNull();
    expect(readFileSync(expectDefined(store.recoveredFrom)).equals(bytes)).toBe(true);
    expect(store.orgs.getDefault()).toBeNull();
    store.close();
  });

  it('names the fix when the data directory cannot be created', () => {
    const parent = tempDir();
    writeFileSync(join(parent, 'a-file'), 'x');
    expectAppError(() => openStore({ dataDir: join(parent, 'a-file', 'data') }), 'storage', /cannot write its data .*--data-dir/);
  });
});

/** Opens a store whose connection was limited by a last step, as a full disk or a read-only file would. */
function openLimited(dataDir: string, limit: (db: Parameters<Migration['up']>[0]) => void): Store {
  return openStore({ dataDir, migrations: [...MIGRATIONS, { version: LATEST_SCHEMA_VERSION + 1, name: 'limit', up: limit }] });
}

describe('write failures', () => {
  it('a full disk is a clear, retryable error and the import writes nothing', () => {
    const dataDir = tempDir();
    const store = openLimited(dataDir, (db) => {
      const pages = db.pragma('page_count', { simple: true }) as number;
      db.pragma(`max_page_count = ${pages + 4}`);
    });
    const { org } = store.orgs.ensureFirstRun();
    const rows = Array.from({ length: 5000 }, (_, i) => ({ firstName: `Lead ${i}`, company: 'x'.repeat(200) }));
    const error = expectAppError(() => store.forOrg(org.id).leads.importMany(rows), 'storage', /disk holding .* is full: free some space/);
    expect(error.retryable).toBe(true);
    expect(store.forOrg(org.id).leads.list({ offset: 0, limit: 1 }).total).toBe(0);
    store.close();
  });

  it('a read-only database names the fix', () => {
    const dataDir = tempDir();
    openStore({ dataDir }).close();
    const seed = openStore({ dataDir });
    seed.orgs.ensureFirstRun();
    seed.close();
    let connection: Parameters<Migration['up']>[0] | undefined;
    const store = openLimited(dataDir, (db) => {
      connection = db;
    });
    // query_only makes SQLite answer every write with SQLITE_READONLY, as a read-only file does (root ignores chmod).
    expectDefined(connection).pragma('query_only = 1');
    const org = expectDefined(store.orgs.getDefault());
    expectAppError(() => store.forOrg(org.id).org.update({ name: 'New name' }), 'storage', /The database file .* is read-only: make it writable/);
    expect(store.orgs.get(org.id)?.name).toBe(org.name);
    store.close();
  });
});

describe('a second writer', () => {
  it('waits for the busy timeout, then gets a retryable error naming the cause', () => {
    const dataDir = tempDir();
    const first = openStore({ dataDir });
    const { org } = first.orgs.ensureFirstRun();
    const second = openStore({ dataDir, busyTimeoutMs: 50 });
    let error: AppError | undefined;
    first.transaction(() => {
      first.forOrg(org.id).leads.save({ firstName: 'Held' });
      error = expectAppError(() => second.forOrg(org.id).leads.save({ firstName: 'Blocked' }), 'storage', /busy in another Outreach Desk window or process/);
    });
    expect(error?.retryable).toBe(true);
    expect(
      second
        .forOrg(org.id)
        .leads.list({ offset: 0, limit: 10 })
        .items.map((l) => l.firstName),
    ).toEqual(['Held']);
    second.close();
    first.close();
  });
});

describe('the schema', () => {
  it('gives every foreign key an index that leads with its column, so deleting a lead, sequence, profile or user never scans the rows that point at it', () => {
    const dataDir = tempDir();
    const store = openStore({ dataDir });
    const path = store.path;
    store.close();
    const db = new Database(path, { readonly: true });
    try {
      const tables = db
        .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .all()
        .map((r) => r.name);
      const keys: string[] = [];
      const unindexed: string[] = [];
      for (const table of tables) {
        const leading = new Set(
          db
            .prepare<[string], { name: string }>('SELECT name FROM pragma_index_list(?)')
            .all(table)
            .map((index) => db.prepare<[string], { name: string }>('SELECT name FROM pragma_index_info(?) ORDER BY seqno LIMIT 1').get(index.name)?.name),
        );
        for (const key of db.prepare<[string], { from: string; table: string }>('SELECT "from", "table" FROM pragma_foreign_key_list(?)').all(table)) {
          keys.push(`${table}.${key.from}`);
          if (!leading.has(key.from)) unindexed.push(`${table}.${key.from} → ${key.table}`);
        }
      }
      expect(keys).toEqual(expect.arrayContaining(['replies.lead_id', 'replies.sequence_id', 'sequences.business_profile_id', 'sequence_steps.sequence_id']));
      expect(unindexed).toEqual([]);
    } finally {
      db.close();
    }
  });
});
