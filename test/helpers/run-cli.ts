import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..');
export const CLI_BIN = join(REPO_ROOT, 'bin', 'outreach-desk.cjs');

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

/** Runs the built CLI (`npm run build` writes out/node/cli.mjs) as a user would. */
export function runCli(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  if (!existsSync(join(REPO_ROOT, 'out', 'node', 'cli.mjs'))) {
    throw new Error('out/node/cli.mjs is missing: run "npm run build" before the CLI tests.');
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], { env: cleanEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}
