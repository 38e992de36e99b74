import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNodeEntry } from '../helpers/build-node-entry';
import { cleanEnv, REPO_ROOT } from '../helpers/run-cli';
import { expectDefined } from '../helpers/expect-defined';

/** Loaded when a call needs them, never before the window shows. */
const ON_DEMAND = ['@anthropic-ai/sdk', '@google/genai', 'groq-sdk', 'openai', 'mailparser', 'papaparse'];
const MAIN = join(REPO_ROOT, 'out', 'main', 'index.js');

describe('the main process shows its window before any vendor SDK loads', () => {
  let standIn: { file: string; cleanup: () => void };
  let dir: string;

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error('out/main/index.js is missing: run "npm run build" before these tests.');
    // The bench's stand-in `electron` module: it reports the packages in the require cache at ready-to-show.
    standIn = await buildNodeEntry(join(REPO_ROOT, 'bench', 'electron-stand-in.ts'));
    dir = mkdtempSync(join(tmpdir(), 'outreach-main-lazy-'));
  });

  afterAll(() => {
    standIn?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has opened SQLite, and loaded no SDK, mailparser or papaparse, when ready-to-show fires', async () => {
    const child = spawn(process.execPath, ['--import', standIn.file, MAIN], {
      cwd: REPO_ROOT,
      env: cleanEnv({ OUTREACH_BENCH_USER_DATA: join(dir, 'user-data') }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stderr).toBe(0);
    const report = JSON.parse(expectDefined(stdout.trim().split('\n').at(-1))) as { readyToShowMs: number; packages: string[] };
    // The report sees real loads: the core opened its database before the window.
    expect(report.packages).toContain('better-sqlite3');
    expect(report.packages.filter((name) => ON_DEMAND.includes(name))).toEqual([]);
  });
});
