import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { mimeTypeFor } from '../../../electron/core/renderer-files';

/** One call into the stand-in, in the order made; `at` is process.hrtime.bigint() (comparable with module loads). */
export interface StandInCall {
  api: string;
  args: unknown[];
  at: bigint;
}

/** What a handler registered with `ipcMain.handle` receives as its event. */
export interface StandInIpcEvent {
  sender: StandInWebContents;
  senderFrame: { url: string } | null;
}

type IpcHandler = (event: StandInIpcEvent, ...args: unknown[]) => unknown;
type WindowOpenHandler = (details: { url: string }) => { action: 'allow' | 'deny' };

/** A webContents: an EventEmitter (will-navigate, will-redirect, will-attach-webview) that records what the app does to it. */
export class StandInWebContents extends EventEmitter {
  readonly mainFrame = { url: '' };
  windowOpenHandler: WindowOpenHandler | null = null;
  readonly sent: { channel: string; payload: unknown }[] = [];
  destroyed = false;

  constructor(private readonly record: (api: string, args: unknown[]) => void) {
    super();
  }
  send(channel: string, payload: unknown): void {
    this.record('webContents.send', [channel, payload]);
    this.sent.push({ channel, payload });
    // For tests that wait for a push: a name of the stand-in's own, apart from Electron's events.
    this.emit('stand-in:sent', channel, payload);
  }
  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.record('webContents.setWindowOpenHandler', [handler]);
    this.windowOpenHandler = handler;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

export interface StandInWindow extends EventEmitter {
  readonly options: Record<string, unknown>;
  readonly webContents: StandInWebContents;
  readonly loadedUrls: string[];
  shown: boolean;
  minimized: boolean;
  focused: boolean;
}

export interface ElectronStandInOptions {
  /** app.getPath('userData'). */
  userData: string;
  /** app.getAppPath(). */
  appPath: string;
  /** What app.requestSingleInstanceLock() answers (another instance holds the lock when false). */
  singleInstanceLock?: boolean;
  /** The button index dialog.showMessageBox resolves with. */
  dialogResponse?: number;
}

export interface ElectronStandIn {
  /** What `require('electron')` returns. */
  readonly module: Record<string, unknown>;
  /** Every call the app made, in order. */
  readonly calls: StandInCall[];
  callsTo(api: string): StandInCall[];
  /** Emits the app's `ready`: app.whenReady() resolves. */
  ready(): void;
  /** When ready() was called (hrtime), or null. */
  readonly readyAt: bigint | null;
  /** Resolves with the first BrowserWindow the app creates. */
  firstWindow(): Promise<StandInWindow>;
  readonly windows: StandInWindow[];
  readonly app: EventEmitter;
  readonly ipcHandlers: Map<string, IpcHandler>;
  readonly protocolHandlers: Map<string, (request: Request) => Promise<Response> | Response>;
  /** What the preload exposed with contextBridge.exposeInMainWorld, by name. */
  readonly exposed: Map<string, unknown>;
  /** The preload's ipcRenderer: emit `event:<name>` on it to deliver an event. */
  readonly ipcRenderer: EventEmitter;
  readonly session: {
    permissionRequestHandler: ((contents: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void) | null;
    permissionCheckHandler: ((contents: unknown, permission: string) => boolean) | null;
    beforeRequest: ((details: { url: string }, callback: (response: { cancel?: boolean }) => void) => void) | null;
  };
}

/**
 * A stand-in for the `electron` module, for loading the built main process in plain Node (Electron
 * itself cannot run on CI machines). It implements only the API the main process uses; anything
 * else is undefined, so a call the app should not make fails loudly. Like Electron, it refuses
 * what must happen before `ready` after it and what needs `ready` before it, and a second
 * handler for one IPC channel. Every call is recorded. It also carries the two preload APIs
 * (contextBridge, ipcRenderer), so the built preload loads against it too.
 */
export function createElectronStandIn(options: ElectronStandInOptions): ElectronStandIn {
  const calls: StandInCall[] = [];
  const record = (api: string, args: unknown[]) => {
    calls.push({ api, args, at: process.hrtime.bigint() });
  };
  let readyAt: bigint | null = null;
  let markReady!: () => void;
  const readyPromise = new Promise<void>((resolve) => (markReady = resolve));
  const needsReady = (api: string) => {
    if (readyAt === null) throw new Error(`${api} cannot be used before the app is ready (stand-in, as Electron)`);
  };
  const needsNotReady = (api: string) => {
    if (readyAt !== null) throw new Error(`${api} must be called before the app is ready (stand-in, as Electron)`);
  };

  const windows: StandInWindow[] = [];
  let windowCreated!: (win: StandInWindow) => void;
  const firstWindow = new Promise<StandInWindow>((resolve) => (windowCreated = resolve));
  const ipcHandlers = new Map<string, IpcHandler>();
  const protocolHandlers = new Map<string, (request: Request) => Promise<Response> | Response>();
  const session: ElectronStandIn['session'] = { permissionRequestHandler: null, permissionCheckHandler: null, beforeRequest: null };

  class AppEmitter extends EventEmitter {
    readonly isPackaged = false;
    enableSandbox() {
      record('app.enableSandbox', []);
      needsNotReady('app.enableSandbox');
    }
    getAppPath() {
      record('app.getAppPath', []);
      return options.appPath;
    }
    getVersion() {
      record('app.getVersion', []);
      return '0.1.0-stand-in';
    }
    getPath(name: string) {
      record('app.getPath', [name]);
      if (name !== 'userData') throw new Error(`stand-in app.getPath knows only userData, not ${name}`);
      return options.userData;
    }
    requestSingleInstanceLock() {
      record('app.requestSingleInstanceLock', []);
      return options.singleInstanceLock ?? true;
    }
    quit() {
      record('app.quit', []);
    }
    whenReady() {
      record('app.whenReady', []);
      return readyPromise;
    }
    override on(...[event, listener]: Parameters<EventEmitter['on']>): this {
      record('app.on', [event]);
      return super.on(event, listener);
    }
  }
  const app = new AppEmitter();

  class BrowserWindow extends EventEmitter implements StandInWindow {
    readonly webContents = new StandInWebContents(record);
    readonly loadedUrls: string[] = [];
    shown = false;
    minimized = false;
    focused = false;
    constructor(readonly options: Record<string, unknown>) {
      super();
      record('BrowserWindow.constructor', [options]);
      needsReady('new BrowserWindow');
      windows.push(this);
      app.emit('web-contents-created', {}, this.webContents);
      windowCreated(this);
    }
    static getAllWindows() {
      record('BrowserWindow.getAllWindows', []);
      return [...windows];
    }
    loadURL(url: string) {
      record('BrowserWindow.loadURL', [url]);
      this.loadedUrls.push(url);
      this.webContents.mainFrame.url = url;
      return Promise.resolve();
    }
    show() {
      record('BrowserWindow.show', []);
      this.shown = true;
    }
    isMinimized() {
      return this.minimized;
    }
    restore() {
      record('BrowserWindow.restore', []);
      this.minimized = false;
    }
    focus() {
      record('BrowserWindow.focus', []);
      this.focused = true;
    }
  }

  const exposed = new Map<string, unknown>();
  class IpcRenderer extends EventEmitter {
    invoke(channel: string, input: unknown) {
      record('ipcRenderer.invoke', [channel, input]);
      return Promise.resolve({ ok: true, value: { channel } });
    }
  }
  const ipcRenderer = new IpcRenderer();

  const module = {
    app,
    contextBridge: {
      exposeInMainWorld: (name: string, value: unknown) => {
        record('contextBridge.exposeInMainWorld', [name]);
        exposed.set(name, value);
      },
    },
    ipcRenderer,
    BrowserWindow,
    dialog: {
      showMessageBox: async (opts: unknown) => {
        record('dialog.showMessageBox', [opts]);
        return { response: options.dialogResponse ?? 0, checkboxChecked: false };
      },
    },
    ipcMain: {
      handle: (channel: string, handler: IpcHandler) => {
        record('ipcMain.handle', [channel]);
        if (ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
        ipcHandlers.set(channel, handler);
      },
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown) => {
        record('protocol.registerSchemesAsPrivileged', [schemes]);
        needsNotReady('protocol.registerSchemesAsPrivileged');
      },
      handle: (scheme: string, handler: (request: Request) => Promise<Response> | Response) => {
        record('protocol.handle', [scheme]);
        needsReady('protocol.handle');
        protocolHandlers.set(scheme, handler);
      },
    },
    get session() {
      return {
        get defaultSession() {
          needsReady('session.defaultSession');
          return {
            setPermissionRequestHandler: (handler: ElectronStandIn['session']['permissionRequestHandler']) => {
              record('session.setPermissionRequestHandler', []);
              session.permissionRequestHandler = handler;
            },
            setPermissionCheckHandler: (handler: ElectronStandIn['session']['permissionCheckHandler']) => {
              record('session.setPermissionCheckHandler', []);
              session.permissionCheckHandler = handler;
            },
            webRequest: {
              onBeforeRequest: (handler: ElectronStandIn['session']['beforeRequest']) => {
                record('session.webRequest.onBeforeRequest', []);
                session.beforeRequest = handler;
              },
            },
          };
        },
      };
    },
    shell: {
      openExternal: async (url: string) => {
        record('shell.openExternal', [url]);
      },
    },
    net: {
      /** Electron's net.fetch for file: URLs (all the app needs); nothing leaves the machine. */
      fetch: async (url: string) => {
        record('net.fetch', [url]);
        if (!url.startsWith('file:')) throw new Error(`stand-in net.fetch serves file: URLs only, not ${url}`);
        const path = fileURLToPath(url);
        return new Response(await readFile(path), { status: 200, headers: { 'content-type': mimeTypeFor(path) } });
      },
    },
  };

  return {
    module,
    calls,
    callsTo: (api) => calls.filter((c) => c.api === api),
    ready() {
      readyAt = process.hrtime.bigint();
      record('ready', []);
      app.emit('ready');
      markReady();
    },
    get readyAt() {
      return readyAt;
    },
    firstWindow: () => firstWindow,
    windows,
    app,
    ipcHandlers,
    protocolHandlers,
    exposed,
    ipcRenderer,
    session,
  };
}
