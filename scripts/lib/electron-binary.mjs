// Electron's binary for `npm start`. Electron 45's package downloads it lazily, the first time
// something requires `electron` from Node; electron-vite never does (it reads path.txt itself), so
// without this step `npm start` ends in "Error: Electron uninstall". This runs Electron's own
// installer (node_modules/electron/install.js), which honours ELECTRON_MIRROR and its download cache.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPORT_HOOK = join(dirname(fileURLToPath(import.meta.url)), 'installer-report.cjs');
const DEFAULT_MIRROR = 'https://github.com/electron/electron/releases/download/';

/**
 * @typedef {{ ok: true, path: string, downloaded: boolean }
 *   | { ok: false, reason: string, downloadFailed: boolean }} BinaryResult
 */

/** @param {string} electronDir */
export function readElectronVersion(electronDir) {
  return /** @type {{ version: string }} */ (JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8'))).version;
}

/**
 * The Electron executable electron-vite will start (ELECTRON_EXEC_PATH, else dist/<path.txt>),
 * or null when it is not there or belongs to another Electron version.
 * @param {string} electronDir node_modules/electron
 * @param {NodeJS.ProcessEnv} env
 * @returns {string | null}
 */
export function findElectronBinary(electronDir, env = process.env) {
  const override = env.ELECTRON_EXEC_PATH;
  if (override) return existsSync(override) ? override : null;
  try {
    const relative = readFileSync(join(electronDir, 'path.txt'), 'utf8');
    const installed = readFileSync(join(electronDir, 'dist', 'version'), 'utf8')
      .trim()
      .replace(/^v/, '');
    const executable = join(electronDir, 'dist', relative);
    return relative && installed === readElectronVersion(electronDir) && existsSync(executable) ? executable : null;
  } catch {
    return null;
  }
}

/**
 * One line saying what failed, from the installer's report (see installer-report.cjs).
 * @param {string} reportFile
 */
function readFailure(reportFile) {
  /** @type {{ kind: string, text: string, url?: string }[]} */
  let entries = [];
  try {
    entries = readFileSync(reportFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  } catch {
    return '';
  }
  const fetchFailure = entries.find((e) => e.kind === 'fetch');
  if (fetchFailure) return `${fetchFailure.text}, for ${fetchFailure.url}`;
  return entries.find((e) => e.text)?.text ?? '';
}

/**
 * Makes sure Electron's binary is installed, downloading it through Electron's own installer when
 * it is missing. Never throws: a failure comes back with its reason, for one clear message.
 * @param {{ electronDir: string, env?: NodeJS.ProcessEnv, log?: (line: string) => void,
 *   stdio?: 'inherit' | 'pipe' }} options `stdio` is the installer's output (its progress bar goes to stderr)
 * @returns {BinaryResult}
 */
export function ensureElectronBinary({ electronDir, env = process.env, log = console.log, stdio = 'inherit' }) {
  const found = findElectronBinary(electronDir, env);
  if (found) return { ok: true, path: found, downloaded: false };
  if (env.ELECTRON_EXEC_PATH) {
    return {
      ok: false,
      downloadFailed: false,
      reason: `ELECTRON_EXEC_PATH is set to ${env.ELECTRON_EXEC_PATH}, and there is no file there. Unset it to use the Electron that npm installs.`,
    };
  }
  const installer = join(electronDir, 'install.js');
  if (!existsSync(installer)) {
    return { ok: false, downloadFailed: false, reason: `Electron's installer (${installer}) is missing. Reinstall the dependencies with "npm ci".` };
  }
  const version = readElectronVersion(electronDir);
  log(`Downloading Electron ${version} (once: later starts use this copy)...`);
  const reportDir = mkdtempSync(join(tmpdir(), 'outreach-desk-electron-'));
  const reportFile = join(reportDir, 'report.jsonl');
  try {
    const result = spawnSync(process.execPath, ['--require', REPORT_HOOK, installer], {
      cwd: electronDir,
      env: { ...env, OUTREACH_DESK_INSTALL_REPORT: reportFile },
      stdio: ['ignore', stdio, stdio],
    });
    if (result.error) return { ok: false, downloadFailed: true, reason: `Electron's installer could not run: ${result.error.message}` };
    if (result.status !== 0) {
      const what = readFailure(reportFile) || `Electron's installer stopped (${result.signal ?? `exit code ${result.status}`})`;
      return { ok: false, downloadFailed: true, reason: what };
    }
  } finally {
    rmSync(reportDir, { recursive: true, force: true });
  }
  const installed = findElectronBinary(electronDir, env);
  if (!installed)
    return {
      ok: false,
      downloadFailed: true,
      reason: `Electron's installer finished, but there is no Electron ${version} executable in ${join(electronDir, 'dist')}`,
    };
  return { ok: true, path: installed, downloaded: true };
}

/**
 * The one message `npm start` prints when Electron can't be had: what failed, that it needs
 * internet once, and the two ways to use the app without Electron.
 * @param {{ version: string, reason: string, downloadFailed: boolean, env?: NodeJS.ProcessEnv, built?: boolean }} failure
 */
export function formatElectronFailure({ version, reason, downloadFailed, env = process.env, built = true }) {
  const mirror = env.ELECTRON_MIRROR || env.npm_config_electron_mirror || env.NPM_CONFIG_ELECTRON_MIRROR;
  const host = new URL(mirror || DEFAULT_MIRROR).host;
  const lines = [`npm start: the desktop app needs Electron ${version}, and it could not be ${downloadFailed ? 'downloaded' : 'found'}.`, `  ${reason}`, ''];
  if (downloadFailed) {
    lines.push(
      "Electron is downloaded once (about 100 MB, kept in Electron's download cache): this needs internet the first time only.",
      mirror
        ? `The download came from ELECTRON_MIRROR (${mirror}); check that ${host} is reachable from here.`
        : `If ${host} is blocked on this network, set ELECTRON_MIRROR to a mirror you can reach, then run npm start again.`,
      '',
    );
  }
  lines.push(...withoutElectron(built));
  return `${lines.join('\n')}\n`;
}

/**
 * The two ways to use the app without Electron, for every message that ends `npm start`.
 * @param {boolean} built whether `npm run build` has written out/node (both ways run from it)
 */
export function withoutElectron(built) {
  return [
    `Without Electron, you can use Outreach Desk now${built ? '' : ' (run "npm run build" first)'}:`,
    '  npm run preview:web    the app in your browser, served on 127.0.0.1',
    '  npx outreach-desk      the command line (npx outreach-desk --help)',
  ];
}
