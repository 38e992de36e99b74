import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..');
export const CLI_BIN = join(REPO_ROOT, 'bin', 'outreach-desk.cjs');

/**
 * How long one child process may run before it counts as hung. Not a speed test: a CLI start
 * took 2.4–3.8 s on a loaded 2-core machine, and the tests that start processes have a test
 * limit to match (vitest.config.mts, project "processes"). A hang fails here, with its output.
 */
export const PROCESS_HANG_LIMIT_MS = 180_000;

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment a CLI child gets: the session's (D-Bus for the keychain) without any vendor key or base URL. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/_(API_KEY|BASE_URL|LOG)$/.test(k) || k === 'OUTREACH_DESK_DATA_DIR') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** Runs `node <args>` to its exit and collects its output; a run past PROCESS_HANG_LIMIT_MS is killed and fails. */
export function runNode(args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv; stdin?: string }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const hang = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`node ${args.join(' ')} did not exit within ${PROCESS_HANG_LIMIT_MS / 1000} s (hung?).\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, PROCESS_HANG_LIMIT_MS);
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', (error) => {
      clearTimeout(hang);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(hang);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.stdin ?? '');
  });
}

/** Runs the built CLI (`npm run build` writes out/node/cli.mjs) as a user would. */
export function runCli(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  if (!existsSync(join(REPO_ROOT, 'out', 'node', 'cli.mjs'))) {
    throw new Error('out/node/cli.mjs is missing: run "npm run build" before the CLI tests.');
  }
  return runNode([CLI_BIN, ...args], { env: cleanEnv(options.env), stdin: options.stdin });
}
