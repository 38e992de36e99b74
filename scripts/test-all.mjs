#!/usr/bin/env node
// The one test command (npm test, and CI through .ci/run): installs what the tests need on a fresh
// Debian machine, then runs the lint, the typecheck, the build and every suite, and ends with one line:
//   N passed, N failed, N skipped
// The lint, the typecheck and the build count as one check each. Set SKIP_INSTALL=1 to skip apt-get and npm ci.
//
// On macOS, Windows and Linux without apt-get nothing is installed: the tests use the OS keychain as
// it is, and Playwright finds Chrome or Chromium through CHROMIUM_PATH or its `chrome` channel
// (playwright.config.ts). The README says what such a machine needs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countPlaywright, countVitest, formatCounts } from './lib/test-counts.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
mkdirSync('test-results', { recursive: true });
/** @type {NodeJS.ProcessEnv} */
const env = { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1', VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' };

/** Debian and Ubuntu: the only systems where npm test installs system packages. */
const DEBIAN_PACKAGES = ['chromium', 'xvfb', 'xauth', 'gnome-keyring', 'dbus-daemon', 'dbus-user-session', 'libsecret-1-0', 'postgresql'];
const isDebian = process.platform === 'linux' && existsSync('/etc/debian_version');

const totals = { passed: 0, failed: 0, skipped: 0 };
const note = (/** @type {string} */ text) => console.log(`\n== ${text}`);

/** @param {string} command @param {string[]} args @returns {boolean} */
function run(command, args) {
  // npm and npx are .cmd files on Windows: only a shell runs them there.
  const result = spawnSync(command, args, { stdio: 'inherit', env, shell: process.platform === 'win32' });
  return result.status === 0;
}

/** @param {string} message */
function stopEarly(message) {
  console.log(message);
  console.log(formatCounts({ passed: 0, failed: 1, skipped: 0 }));
  process.exit(1);
}

/** A step that counts as one check. @param {string} name @param {string} command @param {string[]} args */
function check(name, command, args) {
  note(name);
  if (run(command, args)) {
    totals.passed += 1;
    console.log(`ok: ${name}`);
  } else {
    totals.failed += 1;
    console.log(`FAILED: ${name}`);
  }
}

/** Whether a command is on PATH. @param {string} name */
const onPath = (name) => spawnSync(process.platform === 'win32' ? 'where' : 'which', [name], { stdio: 'ignore' }).status === 0;

/**
 * On Linux with gnome-keyring and D-Bus, the suites run in a private D-Bus session with an
 * unlocked gnome-keyring (scripts/with-keyring.sh), so the keychain tests use a real Secret
 * Service on a headless machine. Elsewhere (macOS, Windows) the OS keychain is used as it is.
 * @param {string[]} command @returns {[string, string[]]}
 */
function withKeychain(command) {
  if (process.platform === 'linux' && onPath('dbus-run-session') && onPath('gnome-keyring-daemon')) return ['scripts/with-keyring.sh', command];
  return [command[0] ?? '', command.slice(1)];
}

/** @param {string} file */
function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

if (process.env.SKIP_INSTALL !== '1') {
  if (isDebian) {
    note('Debian packages');
    const missing = DEBIAN_PACKAGES.filter((p) => spawnSync('dpkg', ['-s', p], { stdio: 'ignore' }).status !== 0);
    if (missing.length > 0) {
      // sudo passes on only the variables named on its command line.
      const asRoot = process.getuid?.() === 0;
      const apt = (/** @type {string[]} */ args) => (asRoot ? run('apt-get', args) : run('sudo', ['DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args]));
      env.DEBIAN_FRONTEND = 'noninteractive';
      if (!apt(['update', '-qq']) || !apt(['install', '-y', '-qq', '--no-install-recommends', ...missing]))
        stopEarly(`Could not install: ${missing.join(' ')}`);
    }
  } else {
    note(`${process.platform}: no system packages are installed (see "npm test beyond Debian" in the README)`);
  }
  note('npm ci');
  if (!run('npm', ['ci', '--no-audit', '--no-fund'])) stopEarly('npm ci failed');
}

check('lint', 'npm', ['run', '--silent', 'lint']);
check('typecheck', 'npm', ['run', '--silent', 'typecheck']);
check('build', 'npm', ['run', '--silent', 'build']);

note('vitest (node + jsdom)');
rmSync('test-results/vitest.json', { force: true });
run(...withKeychain(['npx', 'vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/vitest.json']));
const vitest = countVitest(readJson('test-results/vitest.json'));
for (const file of vitest.brokenFiles) console.log(`FAILED to run: ${file}`);

note('playwright (Chromium through the loopback browser host)');
rmSync('test-results/e2e.json', { force: true });
run(...withKeychain(['npx', 'playwright', 'test']));
const playwright = countPlaywright(readJson('test-results/e2e.json'));

for (const counts of [vitest, playwright]) {
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.skipped += counts.skipped;
}
console.log('');
console.log(formatCounts(totals));
process.exitCode = totals.failed === 0 ? 0 : 1;
