import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/run-cli';
import { expectDefined } from '../helpers/expect-defined';

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; bin: Record<string, string>; main: string };

describe('the package scripts point at what the build writes', () => {
  it('every out/ path named by a script, the bin and main exists after npm run build', () => {
    const paths = Object.values(pkg.scripts)
      .flatMap((s) => s.match(/out\/[\w./-]+\.m?js/g) ?? [])
      .filter((p) => !p.startsWith('out/bench/'));
    expect(paths).toContain('out/node/host.mjs');
    for (const path of [...paths, pkg.main, 'out/node/cli.mjs']) expect(existsSync(join(REPO_ROOT, path)), path).toBe(true);
    for (const bin of Object.values(pkg.bin)) expect(existsSync(join(REPO_ROOT, bin)), bin).toBe(true);
  });

  it('npm run preview:web serves the app on 127.0.0.1 and prints the address with its token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outreach-preview-'));
    const [command, ...args] = expectDefined(pkg.scripts['preview:web']).split(' ');
    const child = spawn(command === 'node' ? process.execPath : expectDefined(command), [...args, '--data-dir', dir, '--port', '0'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /running at (http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/.exec(out);
          if (match) resolve(expectDefined(match[1]));
        });
        child.on('exit', (code) => reject(new Error(`the host exited with ${code}: ${out}`)));
      });
      const origin = new URL(url).origin;
      const page = await fetch(`${origin}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('/__outreach/bridge.js');
      const token = new URL(url).hash.replace('#token=', '');
      const info = await fetch(`${origin}/api/app:info`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin, 'x-outreach-token': token },
      });
      expect(await info.json()).toMatchObject({ ok: true, value: { dataDir: dir } });
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
