/**
 * A tiny stand-in for the `electron` module, just enough for the built main bundle to start in
 * plain Node and open its window (Electron cannot run on the bench machines):
 *
 *   OUTREACH_BENCH_USER_DATA=DIR node --import out/bench/electron-stand-in.mjs out/main/index.js
 *
 * When the window would show (`ready-to-show`, fired once the main process has created the window
 * and asked it to load; there is no renderer to paint), it prints one JSON line: the time since the
 * process started, and which packages were loaded by then. Then it exits.
 */
import { EventEmitter } from 'node:events';
import Module, { createRequire } from 'node:module';

const userData = process.env.OUTREACH_BENCH_USER_DATA;
if (!userData) throw new Error('Set OUTREACH_BENCH_USER_DATA to a temporary folder.');
const require = createRequire(import.meta.url);
const noop = () => {};

/** The packages in the require cache, e.g. ["better-sqlite3", "zod"]. */
function loadedPackages(): string[] {
  const names = new Set<string>();
  for (const file of Object.keys(require.cache)) {
    const match = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(file);
    if (match?.[1]) names.add(match[1].replace(/\\/g, '/'));
  }
  return [...names].sort();
}

const app = Object.assign(new EventEmitter(), {
  isPackaged: false,
  enableSandbox: noop,
  requestSingleInstanceLock: () => true,
  whenReady: () => Promise.resolve(),
  getPath: () => userData,
  getAppPath: () => process.cwd(),
  getVersion: () => '0.0.0-bench',
  quit: () => process.exit(0),
});

class BrowserWindow extends EventEmitter {
  static readonly windows: BrowserWindow[] = [];
  static getAllWindows(): BrowserWindow[] {
    return BrowserWindow.windows;
  }
  readonly webContents = Object.assign(new EventEmitter(), { send: noop, setWindowOpenHandler: noop });
  constructor() {
    super();
    BrowserWindow.windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  loadURL(): Promise<void> {
    setImmediate(() => this.emit('ready-to-show'));
    return Promise.resolve();
  }
  show(): void {
    process.stdout.write(`${JSON.stringify({ readyToShowMs: performance.now(), packages: loadedPackages() })}\n`);
    process.exit(0);
  }
  isMinimized = () => false;
  restore = noop;
  focus = noop;
}

const standIn = {
  app,
  BrowserWindow,
  dialog: { showMessageBox: async () => ({ response: 1 }) },
  ipcMain: { handle: noop, on: noop },
  protocol: { registerSchemesAsPrivileged: noop, handle: noop },
  session: { defaultSession: { setPermissionRequestHandler: noop, setPermissionCheckHandler: noop, webRequest: { onBeforeRequest: noop } } },
  shell: { openExternal: async () => {} },
  net: { fetch: (url: string) => fetch(url) },
};

// `require('electron')` in the CommonJS main bundle gets the stand-in.
const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
const load = loader._load;
loader._load = function (request: string, ...rest: unknown[]) {
  return request === 'electron' ? standIn : load.call(this, request, ...rest);
};
