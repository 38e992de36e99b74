import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN, cleanEnv } from '../helpers/run-cli';
import { expectDefined } from '../helpers/expect-defined';

/** Loaded when a command or a call needs them, never at start. */
const ON_DEMAND = ['@anthropic-ai/sdk', '@google/genai', 'groq-sdk', 'openai', 'mailparser', 'papaparse'];

/** The packages a CLI run loaded: imports from a module-resolve hook, requires from the require cache. */
describe('the CLI loads vendor SDKs, mailparser and papaparse on demand', () => {
  let dir: string;
  let register: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'outreach-lazy-'));
    const hooks = join(dir, 'hooks.mjs');
    writeFileSync(
      hooks,
      `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.OUTREACH_TRACE_FILE, result.url + '\\n');
  return result;
}
`,
    );
    // ESM imports go through the resolve hook; CommonJS requires (the Node build requires its
    // CommonJS dependencies) are read from the require cache when the process exits.
    register = join(dir, 'register.mjs');
    writeFileSync(
      register,
      `import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
register(${JSON.stringify(pathToFileURL(hooks).href)});
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => appendFileSync(process.env.OUTREACH_TRACE_FILE, Object.keys(cache).join('\\n') + '\\n'));
`,
    );
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function packagesLoadedBy(args: string[], name: string): Promise<string[]> {
    const trace = join(dir, `${name}.trace`);
    writeFileSync(trace, '');
    const child = spawn(process.execPath, ['--import', register, CLI_BIN, ...args], {
      env: cleanEnv({ OUTREACH_TRACE_FILE: trace }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.stdout.resume();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stderr).toBe(0);
    const names = new Set<string>();
    for (const url of readFileSync(trace, 'utf8').split('\n')) {
      const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
      if (match) names.add(expectDefined(match[1]));
    }
    return [...names].sort();
  }

  it('--help loads no package at all', async () => {
    expect(await packagesLoadedBy(['--help'], 'help')).toEqual([]);
  });

  it('providers opens the database and the keychain, and loads no SDK, mailparser or papaparse', async () => {
    const loaded = await packagesLoadedBy(['--data-dir', join(dir, 'data'), 'providers'], 'providers');
    // The trace sees real loads: providers needs SQLite.
    expect(loaded).toContain('better-sqlite3');
    expect(loaded.filter((name) => ON_DEMAND.includes(name))).toEqual([]);
  });
});
