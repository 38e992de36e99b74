import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectDefined } from '../helpers/expect-defined';

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function requiresOf(file: string): string[] {
  const path = join(ROOT, file);
  if (!existsSync(path)) throw new Error(`${file} is missing: run "npm run build" before these tests.`);
  const source = readFileSync(path, 'utf8');
  const patterns = [
    /\brequire\(["']([^"']+)["']\)/g,
    // Not "x-autoreply-from', '…" in a string: an import's `from` never follows a hyphen.
    /(?<![\w-])from\s*["']([^"'.][^"']*)["']/g,
    // The Node build requires its CommonJS dependencies through createRequire (vite.node.config.mts).
    /\bcreateRequire\([^)]*\)\(["']([^"']+)["']\)/g,
  ];
  return [...new Set(patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((m) => expectDefined(m[1]))))];
}

const packageName = (specifier: string) => (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : expectDefined(specifier.split('/')[0]));

describe('the built bundles (what an installer ships)', () => {
  it('main requires only Node built-ins, electron and runtime dependencies', () => {
    // The main bundle and any chunks it splits off.
    const { readdirSync } = require('node:fs') as typeof import('node:fs');
    const chunkDir = join(ROOT, 'out', 'main', 'chunks');
    const chunks = existsSync(chunkDir)
      ? readdirSync(chunkDir)
          .filter((f) => f.endsWith('.js'))
          .map((f) => `out/main/chunks/${f}`)
      : [];
    // With the reply analysis worker, which the main bundle starts from its own folder.
    const files = ['out/main/index.js', 'out/main/reply-worker.js', ...chunks];
    const external = files.flatMap(requiresOf).filter((s) => !BUILTINS.has(s) && s !== 'electron' && !s.startsWith('.'));
    expect(external.length).toBeGreaterThan(5);
    for (const specifier of external) {
      expect(pkg.dependencies[packageName(specifier)], `${specifier} must be a runtime dependency (electron-builder ships only those)`).toBeDefined();
    }
  });

  it('the sandboxed preload requires nothing but electron (zod and the contract are bundled in)', () => {
    expect(requiresOf('out/preload/index.cjs')).toEqual(['electron']);
  });

  it('the Node build of the core, CLI and host never loads electron', () => {
    const { readdirSync } = require('node:fs') as typeof import('node:fs');
    const chunks = readdirSync(join(ROOT, 'out', 'node', 'chunks'))
      .filter((f) => f.endsWith('.mjs'))
      .map((f) => `out/node/chunks/${f}`);
    for (const file of ['out/node/core.mjs', 'out/node/cli.mjs', 'out/node/host.mjs', 'out/node/reply-worker.mjs', ...chunks]) {
      const specifiers = requiresOf(file);
      expect(
        specifiers.some((s) => s === 'electron' || s.startsWith('electron/')),
        file,
      ).toBe(false);
      for (const s of specifiers.filter((x) => !BUILTINS.has(x) && !x.startsWith('.'))) {
        expect(pkg.dependencies[packageName(s)], `${file} needs ${s} at run time`).toBeDefined();
      }
    }
  });

  it('no SDK or Node module reaches the renderer bundle', () => {
    const assets = join(ROOT, 'out', 'renderer', 'assets');
    const { readdirSync } = require('node:fs') as typeof import('node:fs');
    const js = readdirSync(assets)
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(join(assets, f), 'utf8'))
      .join('\n');
    expect(js.length).toBeGreaterThan(10_000);
    for (const marker of ['dangerouslyAllowBrowser', 'x-api-key', 'better-sqlite3', 'generativelanguage.googleapis.com', 'require("fs")']) {
      expect(js.includes(marker), marker).toBe(false);
    }
  });
});
