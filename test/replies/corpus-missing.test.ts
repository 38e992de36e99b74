import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * A user's clone has no ../shared beside it. The corpus score must then say so and count as
 * skipped, never as passed or failed. This runs the real score suite in a child vitest, with
 * the corpus pointed at a folder that does not exist, and reads vitest's own JSON report.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface VitestReport {
  success: boolean;
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTotalTests: number;
}

function runVitest(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs'), ...args], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

describe('the corpus score without ../shared', () => {
  let dir: string;
  let run: { code: number | null; stdout: string };
  let report: VitestReport;
  let missing: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'corpus-missing-'));
    missing = path.join(dir, 'no-shared', 'corpus', 'replies');
    const env: NodeJS.ProcessEnv = {};
    // The child is a fresh vitest: the parent's worker variables would make it think it is a worker.
    for (const [key, value] of Object.entries(process.env)) if (!/^(VITEST|TEST$|NODE_ENV$)/.test(key)) env[key] = value;
    env.REPLY_CORPUS = missing;
    const output = path.join(dir, 'report.json');
    run = await runVitest(['run', 'test/replies/corpus-score.test.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${output}`], env);
    report = JSON.parse(await readFile(output, 'utf8')) as VitestReport;
  }, 120_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints which corpus was not found', () => {
    expect(run.stdout).toContain(`skipped: ${missing} not found`);
  });

  it('counts every corpus test as skipped: none passed, none failed, and the run succeeds', () => {
    expect(run.code, run.stdout).toBe(0);
    expect(report.numPassedTests).toBe(0);
    expect(report.numFailedTests).toBe(0);
    expect(report.numPendingTests).toBeGreaterThanOrEqual(8);
    expect(report.numPendingTests).toBe(report.numTotalTests);
  });
});
