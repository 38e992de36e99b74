// Builds better-sqlite3 for Electron's ABI into node_modules/.electron-native/, beside the Node
// build that the CLI and the tests use (rebuilding in place would break them). The main process
// loads this copy in development through better-sqlite3's `nativeBinding` option. Needs internet
// once: it fetches the prebuilt addon for this Electron version, or Electron's headers to compile.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const source = dirname(require.resolve('better-sqlite3/package.json'));
const target = join(root, 'node_modules', '.electron-native', 'better-sqlite3');
const addon = join(target, 'build', 'Release', 'better_sqlite3.node');
const stamp = join(target, '.electron-version');

if (existsSync(addon) && existsSync(stamp) && readFileSync(stamp, 'utf8') === electronVersion) process.exit(0);

console.log(`Building better-sqlite3 for Electron ${electronVersion} (once)...`);
rmSync(target, { recursive: true, force: true });
cpSync(source, target, { recursive: true, filter: (path) => !path.includes(`${join('build', '')}`) });
const run = (cmd, args) => execFileSync(cmd, args, { cwd: target, stdio: 'inherit', shell: process.platform === 'win32' });
try {
  run('npx', ['--yes', 'prebuild-install', '--runtime', 'electron', '--target', electronVersion]);
} catch {
  run('npx', ['--yes', 'node-gyp', 'rebuild', '--release', `--target=${electronVersion}`, '--dist-url=https://electronjs.org/headers']);
}
execFileSync(process.execPath, ['-e', `require('fs').writeFileSync(${JSON.stringify(stamp)}, ${JSON.stringify(electronVersion)})`]);
console.log(`better-sqlite3 for Electron ${electronVersion} is at ${addon}`);
