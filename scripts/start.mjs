#!/usr/bin/env node
// `npm start` (and `npm run dev`): gets what the desktop app needs, then hands over to electron-vite.
//   1. Electron's binary, through Electron's own installer (scripts/lib/electron-binary.mjs);
//   2. the Electron copy of the SQLite addon (scripts/lib/electron-native.mjs);
//   3. `electron-vite preview` (build, then start), or `electron-vite dev` with "dev".
// A step that fails prints one message saying what failed and what to do, and exits 1.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureElectronBinary, formatElectronFailure, readElectronVersion, withoutElectron } from './lib/electron-binary.mjs';
import { prepareElectronNative } from './lib/electron-native.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

/** Whether out/node (the preview host and the CLI) is built. */
const isBuilt = () => existsSync(join(root, 'out', 'node', 'host.mjs'));

/** @param {string} id @returns {string | null} */
function resolvePackageDir(id) {
  try {
    return dirname(require.resolve(`${id}/package.json`));
  } catch {
    return null;
  }
}

/**
 * @param {string} mode "preview" or "dev" @param {string[]} args passed on to electron-vite
 * @returns {Promise<number>} the exit code
 */
async function main(mode, args) {
  const electronDir = resolvePackageDir('electron');
  const electronVite = resolvePackageDir('electron-vite');
  if (!electronDir || !electronVite) {
    process.stderr.write('npm start: electron or electron-vite is not installed. Install the dependencies with "npm ci", then run npm start again.\n');
    return 1;
  }
  const version = readElectronVersion(electronDir);

  const binary = ensureElectronBinary({ electronDir });
  if (!binary.ok) {
    process.stderr.write(formatElectronFailure({ ...binary, version, built: isBuilt() }));
    return 1;
  }

  const abi = Number(readFileSync(join(electronDir, 'abi_version'), 'utf8').trim());
  const native = await prepareElectronNative({ root, electronVersion: version, electronAbi: abi, showProgress: Boolean(process.stdout.isTTY) });
  if (!native.ok) {
    const lines = [
      `npm start: the SQLite addon (better-sqlite3) could not be built for Electron ${version}.`,
      `  ${native.reason}`,
      ...(native.log ? [`  The build's output is in ${native.log}`] : []),
      'Nothing was marked as built, so the next npm start tries again.',
      '',
      ...withoutElectron(isBuilt()),
    ];
    process.stderr.write(`${lines.join('\n')}\n`);
    return 1;
  }

  // electron-vite finds Electron through ELECTRON_EXEC_PATH first: the binary checked above.
  const child = spawn(process.execPath, [join(electronVite, 'bin', 'electron-vite.js'), mode, ...args], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ELECTRON_EXEC_PATH: binary.path },
  });
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.on(signal, () => child.kill(signal));
  return new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
}

const [mode = 'preview', ...args] = process.argv.slice(2);
process.exitCode = await main(mode, args);
