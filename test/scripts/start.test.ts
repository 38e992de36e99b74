import { randomUUID } from 'node:crypto';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureElectronBinary, findElectronBinary } from '../../scripts/lib/electron-binary.mjs';
import { REPO_ROOT, runNode, type CliRun } from '../helpers/run-cli';

/**
 * `npm start` (scripts/start.mjs): Electron's binary comes through Electron's own installer.
 * Here the installer is a stand-in (present, missing, failing) in a temp copy of the electron
 * package, except in the last test, which runs Electron's real install.js against a loopback port
 * that refuses, as on a machine that can't reach the download host.
 */

const VERSION = '45.5.0';
const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(parent = tmpdir()): string {
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, 'outreach-start-'));
  made.push(dir);
  return dir;
}

type Installer = 'downloads' | 'fails' | 'crashes' | 'exits-0-without-binary' | 'none';

/** What each stand-in installer does; every one writes `ran` first, so a test sees whether it was called. */
const INSTALLERS: Record<Exclude<Installer, 'none'>, string> = {
  downloads: `
    const fs = require('fs'), path = require('path');
    fs.mkdirSync(path.join(__dirname, 'dist'), { recursive: true });
    fs.writeFileSync(path.join(__dirname, 'dist', 'electron'), '#!/bin/sh\\n');
    fs.writeFileSync(path.join(__dirname, 'dist', 'version'), 'v' + require('./package.json').version);
    fs.writeFileSync(path.join(__dirname, 'path.txt'), 'electron');`,
  // Electron's install.js on a failed download: the error's stack on stderr, exit 1.
  fails: `
    fetch(process.env.STAND_IN_URL).catch((err) => { console.error(err.stack); process.exit(1); });`,
  crashes: `
    throw new Error('the extractor could not load its native binding');`,
  'exits-0-without-binary': ``,
};

/** A temp copy of the electron package's face: package.json, abi_version and a stand-in install.js. */
function standInElectron(installer: Installer, options: { installedVersion?: string } = {}): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'electron', version: VERSION, main: 'index.js' }));
  writeFileSync(join(dir, 'abi_version'), '150');
  if (installer !== 'none') {
    writeFileSync(
      join(dir, 'install.js'),
      `require('fs').writeFileSync(require('path').join(__dirname, 'ran'), process.env.ELECTRON_MIRROR || '');\n${INSTALLERS[installer]}\n`,
    );
  }
  if (options.installedVersion) {
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'electron'), '');
    writeFileSync(join(dir, 'dist', 'version'), `v${options.installedVersion}`);
    writeFileSync(join(dir, 'path.txt'), 'electron');
  }
  return dir;
}

/** A loopback port nothing listens on: connections to it are refused. */
async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const quiet = { log: () => undefined, stdio: 'pipe' as const };

describe('npm start: the download step decides', () => {
  it('uses an installed Electron of the right version without running the installer', () => {
    const dir = standInElectron('downloads', { installedVersion: VERSION });
    expect(ensureElectronBinary({ electronDir: dir, env: {}, ...quiet })).toEqual({ ok: true, path: join(dir, 'dist', 'electron'), downloaded: false });
    expect(existsSync(join(dir, 'ran'))).toBe(false);
  });

  it("runs Electron's installer when the binary is missing, passing the environment on (ELECTRON_MIRROR)", () => {
    const dir = standInElectron('downloads');
    expect(findElectronBinary(dir, {})).toBeNull();
    const result = ensureElectronBinary({ electronDir: dir, env: { ELECTRON_MIRROR: 'https://mirror.example/electron/' }, ...quiet });
    expect(result).toEqual({ ok: true, path: join(dir, 'dist', 'electron'), downloaded: true });
    expect(readFileSync(join(dir, 'ran'), 'utf8')).toBe('https://mirror.example/electron/');
  });

  it('runs the installer when the installed binary belongs to another Electron version', () => {
    const dir = standInElectron('downloads', { installedVersion: '44.0.0' });
    expect(ensureElectronBinary({ electronDir: dir, env: {}, ...quiet })).toMatchObject({ ok: true, downloaded: true });
    expect(existsSync(join(dir, 'ran'))).toBe(true);
  });

  it('says what failed when the installer fails, with the network cause and the URL, and no stack', async () => {
    const dir = standInElectron('fails');
    const url = `http://127.0.0.1:${await refusedPort()}/electron-v${VERSION}-linux-x64.zip`;
    const result = ensureElectronBinary({ electronDir: dir, env: { STAND_IN_URL: url }, ...quiet });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.downloadFailed).toBe(true);
    expect(result.reason).toContain(url);
    expect(result.reason).toMatch(/fetch failed \(.*ECONNREFUSED/);
    expect(result.reason).not.toMatch(/\n|\bat .*:\d+:\d+/);
  });

  it('says what failed when the installer crashes', () => {
    const result = ensureElectronBinary({ electronDir: standInElectron('crashes'), env: {}, ...quiet });
    expect(result).toEqual({ ok: false, downloadFailed: true, reason: 'the extractor could not load its native binding' });
  });

  it('does not take an installer that exits 0 without a binary for a success', () => {
    const dir = standInElectron('exits-0-without-binary');
    const result = ensureElectronBinary({ electronDir: dir, env: {}, ...quiet });
    expect(result).toMatchObject({ ok: false, downloadFailed: true });
    expect(existsSync(join(dir, 'ran'))).toBe(true);
  });

  it('names the fix when the installer itself is missing', () => {
    const result = ensureElectronBinary({ electronDir: standInElectron('none'), env: {}, ...quiet });
    expect(result).toMatchObject({ ok: false, downloadFailed: false });
    expect(!result.ok && result.reason).toContain('npm ci');
  });

  it('honours ELECTRON_EXEC_PATH as electron-vite does: a file there is used, a missing one is an error', () => {
    const dir = standInElectron('downloads');
    const own = join(tempDir(), 'my-electron');
    writeFileSync(own, '');
    expect(ensureElectronBinary({ electronDir: dir, env: { ELECTRON_EXEC_PATH: own }, ...quiet })).toEqual({ ok: true, path: own, downloaded: false });
    const missing = ensureElectronBinary({ electronDir: dir, env: { ELECTRON_EXEC_PATH: `${own}-gone` }, ...quiet });
    expect(missing).toMatchObject({ ok: false, downloadFailed: false });
    expect(existsSync(join(dir, 'ran'))).toBe(false);
  });
});

/** The environment without anything that points Electron's download elsewhere. */
function envWithoutElectronConfig(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/electron|^npm_/i.test(k)) env[k] = v;
  return { ...env, ...extra };
}

/**
 * A scratch project for scripts/start.mjs: a copy of scripts/, and node_modules with the given
 * electron package and an electron-vite that only records that it was reached. It sits under the
 * repo's node_modules/.cache, so the installer's own dependencies (@electron/get) resolve upward.
 */
function scratchProject(electron: (target: string) => void): string {
  const root = tempDir(join(REPO_ROOT, 'node_modules', '.cache', 'start-tests', randomUUID()));
  made.push(join(root, '..'));
  cpSync(join(REPO_ROOT, 'scripts'), join(root, 'scripts'), { recursive: true });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'scratch', private: true }));
  electron(join(root, 'node_modules', 'electron'));
  const vite = join(root, 'node_modules', 'electron-vite');
  mkdirSync(join(vite, 'bin'), { recursive: true });
  writeFileSync(join(vite, 'package.json'), JSON.stringify({ name: 'electron-vite', version: '0.0.0' }));
  writeFileSync(join(vite, 'bin', 'electron-vite.js'), "require('fs').writeFileSync(require('path').join(process.cwd(), 'electron-vite-reached'), '');\n");
  return root;
}

function expectTheClearMessage(run: CliRun, root: string): void {
  expect(run.code, run.stderr).toBe(1);
  const all = run.stdout + run.stderr;
  expect(run.stderr).toContain(`npm start: the desktop app needs Electron ${VERSION}, and it could not be downloaded.`);
  expect(run.stderr).toContain('needs internet the first time only');
  expect(run.stderr).toContain('npm run preview:web');
  expect(run.stderr).toContain('npx outreach-desk');
  // No stack trace: no "    at fn (file:line:col)" frames, no "Error: Electron uninstall".
  expect(all).not.toMatch(/^\s+at .+/m);
  expect(all).not.toContain('Electron uninstall');
  expect(existsSync(join(root, 'electron-vite-reached')), 'electron-vite must not start without Electron').toBe(false);
}

describe('npm start without a reachable Electron download', () => {
  it('prints one clear message, exits 1 and shows no stack trace (stand-in installer)', async () => {
    const url = `http://127.0.0.1:${await refusedPort()}/electron.zip`;
    const root = scratchProject((target) => cpSync(standInElectron('fails'), target, { recursive: true }));
    const run = await runNode([join(root, 'scripts', 'start.mjs')], { cwd: root, env: envWithoutElectronConfig({ STAND_IN_URL: url }) });
    expectTheClearMessage(run, root);
    expect(run.stderr).toContain('ECONNREFUSED');
    expect(run.stderr).toContain('(run "npm run build" first)');
  });

  it("same with Electron's real install.js, its download cache empty and ELECTRON_MIRROR on a refused loopback port", async () => {
    const mirror = `http://127.0.0.1:${await refusedPort()}/`;
    const cache = tempDir();
    const root = scratchProject((target) => {
      mkdirSync(target, { recursive: true });
      const real = join(REPO_ROOT, 'node_modules', 'electron');
      for (const file of ['package.json', 'install.js', 'index.js', 'checksums.json', 'abi_version']) copyFileSync(join(real, file), join(target, file));
    });
    chmodSync(join(root, 'node_modules', 'electron', 'install.js'), 0o755);
    const run = await runNode([join(root, 'scripts', 'start.mjs')], {
      cwd: root,
      env: envWithoutElectronConfig({ ELECTRON_MIRROR: mirror, electron_config_cache: cache }),
    });
    expectTheClearMessage(run, root);
    expect(run.stderr).toContain(`fetch failed (connect ECONNREFUSED 127.0.0.1:${new URL(mirror).port}), for ${mirror}v${VERSION}/electron-v${VERSION}-`);
    expect(run.stderr).toContain(`The download came from ELECTRON_MIRROR (${mirror})`);
    expect(existsSync(join(root, 'node_modules', 'electron', 'path.txt'))).toBe(false);
  });
});
