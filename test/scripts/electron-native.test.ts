import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { electronBuildSteps, electronNativePaths, prepareElectronNative, readAddonAbi } from '../../scripts/lib/electron-native.mjs';
import { REPO_ROOT } from '../helpers/run-cli';
import { expectDefined } from '../helpers/expect-defined';

/**
 * The marker rules of the Electron copy of the SQLite addon (node_modules/.electron-native):
 * marked built only after a build for this Electron version succeeded and produced Electron's ABI.
 * The build steps are stand-ins (node -e scripts) writing an addon that declares an ABI.
 */

const VERSION = '45.5.0';
const ELECTRON_ABI = 150;
const NODE_ABI = 115;
const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A project whose node_modules/better-sqlite3 holds a Node build, as after npm ci. */
function project(): string {
  const root = mkdtempSync(join(tmpdir(), 'outreach-native-'));
  made.push(root);
  writeFileSync(join(root, 'package.json'), '{"name":"scratch","private":true}');
  const sqlite = join(root, 'node_modules', 'better-sqlite3');
  mkdirSync(join(sqlite, 'build', 'Release'), { recursive: true });
  writeFileSync(join(sqlite, 'package.json'), '{"name":"better-sqlite3","version":"12.11.1"}');
  writeFileSync(join(sqlite, 'binding.gyp'), '{}');
  writeFileSync(join(sqlite, 'build', 'Release', 'better_sqlite3.node'), `\0ELF node_register_module_v${NODE_ABI}\0`);
  return root;
}

type Step = { label: string; command: string; args: string[]; env: NodeJS.ProcessEnv };

/** A stand-in build step run in the copy: counts its runs in `<root>/runs-<label>`, then writes an addon for `abi` or fails. */
function step(root: string, label: string, outcome: { abi: number } | 'fails' | 'writes-nothing'): Step {
  const script = `
    const fs = require('fs');
    fs.appendFileSync(${JSON.stringify(join(root, `runs-${label}`))}, 'x');
    ${outcome === 'fails' ? "console.error('gyp ERR! stack Error: connect ENETUNREACH'); process.exit(1);" : ''}
    ${typeof outcome === 'object' ? `fs.mkdirSync('build/Release', { recursive: true }); fs.writeFileSync('build/Release/better_sqlite3.node', '\\0node_register_module_v${outcome.abi}\\0');` : ''}`;
  return { label, command: process.execPath, args: ['-e', script], env: process.env };
}

const runs = (root: string, label: string) => (existsSync(join(root, `runs-${label}`)) ? readFileSync(join(root, `runs-${label}`), 'utf8').length : 0);
const prepare = (root: string, steps: Step[]) =>
  prepareElectronNative({ root, electronVersion: VERSION, electronAbi: ELECTRON_ABI, log: () => undefined, steps });

describe('the Electron copy of the SQLite addon', () => {
  it('is marked built after a build for Electron succeeded, and not rebuilt on the next start', async () => {
    const root = project();
    const { addon, marker } = electronNativePaths(root);
    expect(await prepare(root, [step(root, 'prebuilt', { abi: ELECTRON_ABI })])).toEqual({ ok: true, built: true });
    expect(readFileSync(marker, 'utf8')).toBe(VERSION);
    expect(readAddonAbi(addon)).toBe(ELECTRON_ABI);
    expect(await prepare(root, [step(root, 'prebuilt', { abi: ELECTRON_ABI })])).toEqual({ ok: true, built: false });
    expect(runs(root, 'prebuilt')).toBe(1);
  });

  it('falls back from the prebuilt addon to a compile', async () => {
    const root = project();
    const result = await prepare(root, [step(root, 'prebuilt', 'fails'), step(root, 'compile', { abi: ELECTRON_ABI })]);
    expect(result).toEqual({ ok: true, built: true });
    expect(runs(root, 'prebuilt')).toBe(1);
    expect(existsSync(electronNativePaths(root).marker)).toBe(true);
  });

  it('leaves no marker and no addon after a failed (offline) build, and the next start retries', async () => {
    const root = project();
    const offline = [step(root, 'prebuilt', 'fails'), step(root, 'compile', 'fails')];
    const result = await prepare(root, offline);
    expect(result).toMatchObject({ ok: false });
    expect(!result.ok && result.reason).toContain('need internet');
    expect(existsSync(electronNativePaths(root).dir)).toBe(false);
    expect(readFileSync(!result.ok ? expectDefined(result.log) : '', 'utf8')).toContain('ENETUNREACH');
    await prepare(root, offline);
    expect(runs(root, 'compile')).toBe(2);
  });

  it("never marks a Node-ABI build as Electron's (an npm config with nodedir), and says why", async () => {
    const root = project();
    const result = await prepare(root, [step(root, 'compile', { abi: NODE_ABI })]);
    expect(result).toMatchObject({ ok: false });
    expect(!result.ok && result.reason).toContain(`ABI ${NODE_ABI}, not Electron ${VERSION}'s ABI ${ELECTRON_ABI}`);
    expect(!result.ok && result.reason).toContain('nodedir');
    expect(existsSync(electronNativePaths(root).dir), 'a mistargeted addon must not stay where the main process loads it').toBe(false);
  });

  it('does not copy the Node build into the Electron copy: a step that builds nothing is a failure', async () => {
    const root = project();
    expect(await prepare(root, [step(root, 'compile', 'writes-nothing')])).toMatchObject({ ok: false });
    expect(existsSync(electronNativePaths(root).marker)).toBe(false);
  });

  it('rebuilds over a marker the old script left on a Node-ABI addon, and over another Electron version', async () => {
    const root = project();
    const { addon, marker } = electronNativePaths(root);
    mkdirSync(join(addon, '..'), { recursive: true });
    writeFileSync(addon, `node_register_module_v${NODE_ABI}`);
    writeFileSync(marker, VERSION);
    expect(await prepare(root, [step(root, 'compile', { abi: ELECTRON_ABI })])).toEqual({ ok: true, built: true });
    writeFileSync(marker, '44.0.0');
    expect(await prepare(root, [step(root, 'compile', { abi: ELECTRON_ABI })])).toEqual({ ok: true, built: true });
    expect(runs(root, 'compile')).toBe(2);
  });
});

describe('the real build steps target Electron explicitly', () => {
  it('pass runtime, target, arch and the headers URL, and drop npm config that would retarget the build', () => {
    const env = {
      PATH: '/usr/bin',
      npm_config_nodedir: '/usr',
      NPM_CONFIG_TARGET: '20.20.2',
      npm_config_runtime: 'node',
      npm_config_disturl: 'https://nodejs.org/dist',
      npm_config_cache: '/c',
    };
    const steps = electronBuildSteps({ root: REPO_ROOT, electronVersion: VERSION, env, arch: 'x64', platform: 'linux' });
    expect(steps.map((s) => s.label)).toEqual(['prebuilt addon', "compile against Electron's headers"]);
    const [prebuilt, compile] = steps;
    expect(expectDefined(prebuilt).args.slice(1)).toEqual(['--runtime', 'electron', '--target', VERSION, '--arch', 'x64', '--platform', 'linux']);
    expect(expectDefined(compile).args.slice(1)).toEqual([
      'rebuild',
      '--release',
      `--target=${VERSION}`,
      '--arch=x64',
      '--dist-url=https://electronjs.org/headers',
    ]);
    for (const s of steps) expect(s.env).toEqual({ PATH: '/usr/bin', npm_config_cache: '/c' });
  });

  it("reads an addon's ABI from the file: the Node build in node_modules is Node's", () => {
    const nodeBuild = join(REPO_ROOT, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    expect(readAddonAbi(nodeBuild)).toBe(Number(process.versions.modules));
    expect(readAddonAbi(join(REPO_ROOT, 'package.json'))).toBeNull();
  });
});
