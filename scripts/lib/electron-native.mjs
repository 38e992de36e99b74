// The Electron copy of the SQLite addon, for `npm start`. node_modules/better-sqlite3 stays built
// for Node (the CLI and the tests use it); node_modules/.electron-native/better-sqlite3 is built
// for Electron's ABI, and the main process loads it in development (electron/main/index.ts).
//
// The marker (.electron-version) is written only after a build for this Electron version
// succeeded AND the addon it produced declares Electron's ABI. A failed, offline or mistargeted
// build leaves no marker (and no addon), so the next start tries again. Why the ABI check: an npm
// config with `nodedir` (npm_config_nodedir in the environment) makes node-gyp build against that
// Node's headers whatever --target says; the old script marked that Node-ABI addon as Electron's.
import { spawn } from 'node:child_process';
import { closeSync, cpSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';

const ELECTRON_HEADERS = 'https://electronjs.org/headers';

/**
 * npm config that would retarget a native build (npm passes its config as npm_config_* variables).
 * `nodedir` is the dangerous one: node-gyp prefers those headers to --target and --dist-url.
 */
const RETARGETING_CONFIG = new Set(['nodedir', 'target', 'runtime', 'disturl', 'dist_url', 'arch', 'platform', 'build_from_source']);

/** @param {string} root the project folder */
export function electronNativePaths(root) {
  const dir = join(root, 'node_modules', '.electron-native', 'better-sqlite3');
  return { dir, addon: join(dir, 'build', 'Release', 'better_sqlite3.node'), marker: join(dir, '.electron-version'), log: join(dir, 'build.log') };
}

/**
 * The Node ABI (NODE_MODULE_VERSION) a native addon was built for, read from the symbol every
 * non-Node-API addon exports (`node_register_module_v<ABI>`), or null. Works on ELF, Mach-O and PE.
 * @param {string} file
 * @returns {number | null}
 */
export function readAddonAbi(file) {
  let bytes;
  try {
    bytes = readFileSync(file);
  } catch {
    return null;
  }
  const match = /node_register_module_v(\d+)/.exec(bytes.toString('latin1'));
  return match ? Number(match[1]) : null;
}

/**
 * The environment for a build that must target Electron: the caller's, without npm config that
 * would retarget it (in any letter case: npm_config_nodedir, NPM_CONFIG_NODEDIR).
 * @param {NodeJS.ProcessEnv} env
 */
export function electronBuildEnv(env) {
  /** @type {NodeJS.ProcessEnv} */
  const out = {};
  for (const [key, value] of Object.entries(env)) {
    const match = /^npm_config_(.+)$/i.exec(key);
    if (match?.[1] && RETARGETING_CONFIG.has(match[1].toLowerCase())) continue;
    out[key] = value;
  }
  return out;
}

/**
 * The two ways to get the addon for Electron, in order: the prebuilt addon for this Electron
 * version, else a compile against Electron's headers. Every target is explicit.
 * @param {{ root: string, electronVersion: string, env: NodeJS.ProcessEnv, arch?: string, platform?: string }} options
 * @returns {{ label: string, command: string, args: string[], env: NodeJS.ProcessEnv }[]}
 */
export function electronBuildSteps({ root, electronVersion, env, arch = process.arch, platform = process.platform }) {
  const require = createRequire(join(root, 'package.json'));
  const fromSqlite = createRequire(require.resolve('better-sqlite3/package.json'));
  const buildEnv = electronBuildEnv(env);
  const nodeGyp = resolveOr(require, 'node-gyp/bin/node-gyp.js') ?? env.npm_config_node_gyp;
  const prebuildInstall = resolveOr(fromSqlite, 'prebuild-install/bin.js');
  /** @type {{ label: string, command: string, args: string[], env: NodeJS.ProcessEnv }[]} */
  const steps = [];
  if (prebuildInstall) {
    steps.push({
      label: 'prebuilt addon',
      command: process.execPath,
      args: [prebuildInstall, '--runtime', 'electron', '--target', electronVersion, '--arch', arch, '--platform', platform],
      env: buildEnv,
    });
  }
  if (nodeGyp) {
    steps.push({
      label: "compile against Electron's headers",
      command: process.execPath,
      args: [nodeGyp, 'rebuild', '--release', `--target=${electronVersion}`, `--arch=${arch}`, `--dist-url=${ELECTRON_HEADERS}`],
      env: buildEnv,
    });
  }
  return steps;
}

/** @param {NodeJS.Require} require @param {string} id */
function resolveOr(require, id) {
  try {
    return require.resolve(id);
  } catch {
    return undefined;
  }
}

/**
 * Whether the Electron copy is built for this Electron: addon, marker and the addon's own ABI agree.
 * @param {string} root @param {string} electronVersion @param {number} electronAbi
 */
export function isElectronNativeReady(root, electronVersion, electronAbi) {
  const { addon, marker } = electronNativePaths(root);
  if (!existsSync(addon) || !existsSync(marker)) return false;
  return readFileSync(marker, 'utf8').trim() === electronVersion && readAddonAbi(addon) === electronAbi;
}

/**
 * Runs one build step with its output in the build log (node-gyp's is long and ends in a stack on failure).
 * @param {{ command: string, args: string[], env: NodeJS.ProcessEnv }} step @param {string} cwd @param {string} logFile
 * @returns {Promise<boolean>}
 */
export function runLogged(step, cwd, logFile) {
  return new Promise((resolve) => {
    writeFileSync(logFile, `$ ${[step.command, ...step.args].join(' ')}\n`, { flag: 'a' });
    const fd = openSync(logFile, 'a');
    const child = spawn(step.command, step.args, { cwd, env: step.env, stdio: ['ignore', fd, fd] });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
    closeSync(fd);
  });
}

/**
 * One line on the terminal, redrawn every second: which step runs and for how long. A compile
 * can take minutes, and its percentage can't be known; the elapsed time shows it is alive.
 * @param {string} label @returns {() => void} stops and clears the line
 */
function startTicker(label) {
  const started = Date.now();
  const draw = () => process.stdout.write(`\r  ${label}: ${Math.round((Date.now() - started) / 1000)} s`);
  draw();
  const timer = setInterval(draw, 1000);
  return () => {
    clearInterval(timer);
    process.stdout.write('\r\x1b[2K');
  };
}

/**
 * @typedef {{ ok: true, built: boolean } | { ok: false, reason: string, log?: string }} NativeResult
 */

/**
 * Makes sure node_modules/.electron-native holds better-sqlite3 built for this Electron version.
 * Never throws. On any failure the copy is removed (a half-built or mistargeted addon must never
 * be loaded) and no marker is left, so the next start retries.
 * @param {{ root: string, electronVersion: string, electronAbi: number, env?: NodeJS.ProcessEnv,
 *   log?: (line: string) => void,
 *   steps?: { label: string, command: string, args: string[], env: NodeJS.ProcessEnv }[],
 *   showProgress?: boolean }} options
 *   `steps` defaults to electronBuildSteps (prebuilt, then compile); tests pass stand-ins.
 *   `showProgress` redraws one line with the step and the time it has taken (for a terminal).
 * @returns {Promise<NativeResult>}
 */
export async function prepareElectronNative({ root, electronVersion, electronAbi, env = process.env, log = console.log, steps, showProgress = false }) {
  if (isElectronNativeReady(root, electronVersion, electronAbi)) return { ok: true, built: false };
  const paths = electronNativePaths(root);
  const require = createRequire(join(root, 'package.json'));
  const source = dirname(require.resolve('better-sqlite3/package.json'));
  const plan = steps ?? electronBuildSteps({ root, electronVersion, env });
  log(`Building the SQLite addon (better-sqlite3) for Electron ${electronVersion} (once; this can take a few minutes)...`);
  rmSync(paths.dir, { recursive: true, force: true });
  // The Node build is left out: the Electron one goes to build/ (relative paths: the project may sit in a "build" folder).
  cpSync(source, paths.dir, { recursive: true, filter: (path) => !/^build($|[\\/])/.test(relative(source, path)) });
  /** @type {number | null | undefined} the ABI of a build that succeeded but targeted something else */
  let wrongAbi;
  for (const step of plan) {
    const stopTicker = showProgress ? startTicker(step.label) : () => undefined;
    const built = await runLogged(step, paths.dir, paths.log);
    stopTicker();
    if (!built) continue;
    const abi = readAddonAbi(paths.addon);
    if (abi === electronAbi) {
      writeFileSync(paths.marker, electronVersion);
      log(`The SQLite addon for Electron ${electronVersion} is ready.`);
      return { ok: true, built: true };
    }
    wrongAbi = abi;
    writeFileSync(paths.log, `\n${step.label} produced an addon for ABI ${abi ?? 'unknown'}, not Electron ${electronVersion}'s ABI ${electronAbi}.\n`, {
      flag: 'a',
    });
    rmSync(join(paths.dir, 'build'), { recursive: true, force: true });
  }
  const keptLog = join(root, 'node_modules', '.electron-native', 'better-sqlite3-build.log');
  writeFileSync(keptLog, existsSync(paths.log) ? readFileSync(paths.log, 'utf8') : '');
  rmSync(paths.dir, { recursive: true, force: true });
  let reason;
  if (plan.length === 0) reason = 'Neither prebuild-install nor node-gyp was found in node_modules. Reinstall the dependencies with "npm ci".';
  else if (wrongAbi !== undefined) {
    reason = `The build produced an addon for ABI ${wrongAbi ?? 'unknown'}, not Electron ${electronVersion}'s ABI ${electronAbi}. If your npm config sets nodedir, it points the build at Node's headers.`;
  } else {
    reason = `Tried: ${plan.map((s) => s.label).join(', then ')}. The prebuilt addon and Electron's headers need internet once; compiling also needs a C++ toolchain (python3, make, g++).`;
  }
  return { ok: false, reason, log: keptLog };
}
