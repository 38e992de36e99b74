import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN, type CliRun, cleanEnv, PROCESS_HANG_LIMIT_MS, runCli } from '../helpers/run-cli';
import { canMount, mountTmpfs, unmount } from '../helpers/tmpfs';

/**
 * Issue 10, points 9 and 10: a data folder or database file the CLI cannot use is named with its
 * fix, exits 1, and never shows a stack trace or asks for a bug report. Runs the real CLI.
 */

/** Root ignores file permissions: the permission cases run the CLI as `nobody` (setpriv), which only root can. */
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

function runAsNobody(args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, CLI_BIN, ...args], {
      env: cleanEnv({ HOME: '/nonexistent' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const hang = setTimeout(() => child.kill('SIGKILL'), PROCESS_HANG_LIMIT_MS);
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(hang);
      resolve({ code, stdout, stderr });
    });
  });
}

/** What every refusal here shares: exit 1, one error line, no stack, no "please report it". */
function expectClearRefusal(run: CliRun, message: RegExp): void {
  expect(run.code, run.stderr).toBe(1);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).toMatch(/^error\[storage\]: /);
  expect(run.stderr).not.toMatch(/please report|\n\s+at |SqliteError|Node\.js v/);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
}

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'od-data-folder-'));
  chmodSync(root, 0o755);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a --data-dir the CLI cannot use (issue 10, point 10)', () => {
  it('is a file: names it and says to give a folder', async () => {
    const file = join(root, 'not-a-folder');
    writeFileSync(file, 'x');
    expectClearRefusal(await runCli(['--data-dir', file, 'providers']), new RegExp(`The data folder ${file} is a file, not a folder: .*--data-dir`));
  });

  it('lies under a file: names the file in the way', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    expectClearRefusal(
      await runCli(['--data-dir', join(file, 'data'), 'providers']),
      new RegExp(`cannot be created: ${file} is a file, not a folder\\. .*--data-dir`),
    );
  });

  it.skipIf(!isRoot)('cannot be created in a folder the user may not write: names that folder', async () => {
    const locked = join(root, 'locked');
    mkdirSync(locked, { mode: 0o555 });
    chmodSync(locked, 0o555);
    const run = await runAsNobody(['--data-dir', join(locked, 'data'), 'providers']);
    expectClearRefusal(
      run,
      new RegExp(`cannot be created in ${locked} \\(no permission to write there\\): make ${locked} writable, or give another folder with --data-dir`),
    );
  });

  it.skipIf(!isRoot || !canMount())('is on a read-only disk: says so, for the folder and for a folder to be made in it', async () => {
    const mount = join(root, 'ro');
    mkdirSync(mount);
    mountTmpfs(mount, { sizeKb: 1024, readOnly: true });
    try {
      expectClearRefusal(
        await runCli(['--data-dir', mount, 'providers']),
        new RegExp(`The data folder ${mount} cannot be written \\(its disk is read-only\\)`),
      );
      expectClearRefusal(await runCli(['--data-dir', join(mount, 'sub'), 'providers']), /cannot be created in .* \(the disk is read-only\)/);
    } finally {
      unmount(mount);
    }
  });
});

describe('a read-only database file (issue 10, point 9)', () => {
  it.skipIf(!isRoot)('is named before the command runs, and the CLI exits 1 without a crash at close', async () => {
    const dataDir = join(root, 'ro-db');
    const first = await runCli(['--data-dir', dataDir, 'providers']);
    expect(first.code, first.stderr).toBe(0);
    const db = join(dataDir, 'outreach-desk.db');
    execFileSync('chown', ['-R', `${NOBODY}:${NOBODY}`, dataDir]);
    chmodSync(db, 0o444);
    // Before the fix: the command printed its table, then died at close with an uncaught SqliteError.
    for (const args of [['providers'], ['settings', 'set', 'provider=groq'], ['usage']]) {
      const run = await runAsNobody(['--data-dir', dataDir, ...args]);
      expectClearRefusal(
        run,
        new RegExp(
          `The database file ${db} is read-only: make it writable \\(on Linux and macOS: chmod u\\+w "${db}"\\), or give another folder with --data-dir\\.`,
        ),
      );
      expect(run.stdout).toBe('');
    }
  });

  it.skipIf(!isRoot)('names the -wal file beside it when that is the one that cannot be written', async () => {
    const dataDir = join(root, 'ro-wal');
    const first = await runCli(['--data-dir', dataDir, 'providers']);
    expect(first.code, first.stderr).toBe(0);
    const wal = join(dataDir, 'outreach-desk.db-wal');
    writeFileSync(wal, '');
    execFileSync('chown', ['-R', `${NOBODY}:${NOBODY}`, dataDir]);
    chmodSync(wal, 0o444);
    const run = await runAsNobody(['--data-dir', dataDir, 'providers']);
    // chmod on the database itself would not help: the advice names the file that is read-only.
    expectClearRefusal(run, new RegExp(`The database file ${wal} is read-only: make it writable \\(on Linux and macOS: chmod u\\+w "${wal}"\\)`));
  });
});
