import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../electron/core/renderer-files';
import { CHANNEL_NAMES } from '../../shared/ipc/contract';
import {
  createElectronStandIn,
  loadWithStandIn,
  type ElectronStandIn,
  type LoadedModule,
  type StandInIpcEvent,
  type StandInWindow,
} from '../helpers/electron-stand-in';
import { REPO_ROOT } from '../helpers/run-cli';
import { expectDefined } from '../helpers/expect-defined';

/**
 * The built main process (out/main/index.js, as `npm start` runs it) loaded in Node against a
 * stand-in `electron` that records every call: Electron itself cannot run on CI machines.
 * The core behind it is real (SQLite in a temp folder); `npm run build` comes first.
 */

const MAIN = join(REPO_ROOT, 'out', 'main', 'index.js');
const PRELOAD = join(REPO_ROOT, 'out', 'preload', 'index.cjs');
const VENDOR_SDKS = ['@anthropic-ai/sdk', 'openai', '@google/genai', 'groq-sdk'];

function requireBuild(): void {
  for (const file of [MAIN, PRELOAD]) if (!existsSync(file)) throw new Error(`${file} is missing: run "npm run build" before these tests.`);
}

/** The vendor SDK a load belongs to (by name, or by a file inside its package), or undefined. */
function vendorSdkOf(load: { specifier: string; resolved: string }): string | undefined {
  return VENDOR_SDKS.find(
    (sdk) =>
      load.specifier === sdk ||
      load.specifier.startsWith(`${sdk}/`) ||
      load.resolved.includes(`node_modules/${sdk}/`) ||
      load.resolved.includes(`node_modules${sep}${sdk}${sep}`),
  );
}

describe('the main process, built, against a stand-in electron', () => {
  let dir: string;
  let electron: ElectronStandIn;
  let main: LoadedModule;
  let win: StandInWindow;
  const savedRendererUrl = process.env.ELECTRON_RENDERER_URL;

  beforeAll(async () => {
    requireBuild();
    delete process.env.ELECTRON_RENDERER_URL;
    dir = mkdtempSync(join(tmpdir(), 'outreach-main-'));
    electron = createElectronStandIn({ userData: join(dir, 'userData'), appPath: join(dir, 'app') });
    main = loadWithStandIn(MAIN, electron);
    electron.ready();
    win = await electron.firstWindow();
  });

  afterAll(() => {
    electron?.app.emit('will-quit');
    main?.dispose();
    if (savedRendererUrl !== undefined) process.env.ELECTRON_RENDERER_URL = savedRendererUrl;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The event a handler gets from the app window's own main frame. */
  const fromAppWindow = (): StandInIpcEvent => ({ sender: win.webContents, senderFrame: win.webContents.mainFrame });

  it('takes the single-instance lock, and enables the sandbox and the app:// scheme before ready', () => {
    const before = electron.calls.filter((c) => c.at < expectDefined(electron.readyAt)).map((c) => c.api);
    expect(before).toEqual(expect.arrayContaining(['protocol.registerSchemesAsPrivileged', 'app.enableSandbox', 'app.requestSingleInstanceLock']));
    expect(expectDefined(electron.callsTo('protocol.registerSchemesAsPrivileged')[0]).args[0]).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    expect(electron.callsTo('app.quit')).toHaveLength(0);
  });

  it('brings the existing window forward when a second instance starts', () => {
    win.minimized = true;
    electron.app.emit('second-instance', {}, ['outreach-desk'], process.cwd());
    expect(win.minimized).toBe(false);
    expect(win.focused).toBe(true);
    expect(electron.windows).toHaveLength(1);
  });

  it('opens one window with the secure options and the app:// page, shown when ready', () => {
    expect(electron.windows).toHaveLength(1);
    const prefs = win.options.webPreferences as Record<string, unknown>;
    expect(prefs).toEqual({
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: true,
    });
    expect(win.options.show).toBe(false);
    expect(win.loadedUrls).toEqual(['app://outreach-desk/index.html']);
    expect(win.shown).toBe(false);
    win.emit('ready-to-show');
    expect(win.shown).toBe(true);
  });

  it('registers every contract channel, and nothing else', () => {
    expect([...electron.ipcHandlers.keys()].sort()).toEqual([...CHANNEL_NAMES].sort());
  });

  it("answers the app window's main frame, and refuses a sub-frame, another page, and a frame that is gone", async () => {
    const handler = expectDefined(electron.ipcHandlers.get('app:info'));
    const answer = (await handler(fromAppWindow(), {})) as { ok: boolean; value?: { dataDir: string } };
    expect(answer).toMatchObject({ ok: true, value: { dataDir: join(dir, 'userData') } });

    const forbidden = { ok: false, error: { code: 'forbidden' } };
    const subFrame = { url: 'app://outreach-desk/index.html' };
    expect(await handler({ sender: win.webContents, senderFrame: subFrame }, {})).toMatchObject(forbidden);
    expect(await handler({ sender: win.webContents, senderFrame: null }, {})).toMatchObject(forbidden);
    const navigatedAway = { ...fromAppWindow() };
    win.webContents.mainFrame.url = 'https://attacker.example/';
    try {
      expect(await handler(navigatedAway, {})).toMatchObject(forbidden);
    } finally {
      win.webContents.mainFrame.url = 'app://outreach-desk/index.html';
    }
    // Every channel is guarded, not only app:info.
    for (const channel of CHANNEL_NAMES) {
      expect(await expectDefined(electron.ipcHandlers.get(channel))({ sender: win.webContents, senderFrame: subFrame }, {}), channel).toMatchObject(forbidden);
    }
  });

  it('serves the renderer on app:// with the CSP, and 404 for anything outside it', async () => {
    const serve = expectDefined(electron.protocolHandlers.get('app'));
    const page = await serve(new Request('app://outreach-desk/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<div id="root"></div>');
    const root = await serve(new Request('app://outreach-desk/'));
    expect(root.status).toBe(200);

    for (const url of [
      'app://outreach-desk/no-such-file.js',
      'app://outreach-desk/..%2f..%2fpackage.json',
      'app://outreach-desk/%2e%2e/%2e%2e/package.json',
      'app://outreach-desk/..%5c..%5cpackage.json',
      'app://outreach-desk/assets',
      'app://another-host/index.html',
    ]) {
      const response = await serve(new Request(url));
      expect(response.status, url).toBe(404);
    }
    expect(electron.callsTo('net.fetch').every((c) => String(c.args[0]).startsWith(`file://${join(REPO_ROOT, 'out', 'renderer')}`))).toBe(true);
  });

  it('blocks navigation away from the app, webviews and new windows; https and mailto links go to the OS browser', () => {
    const contents = win.webContents;
    const tryEvent = (name: string, url?: string) => {
      let prevented = false;
      contents.emit(name, { preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    expect(tryEvent('will-navigate', 'https://attacker.example/')).toBe(true);
    expect(tryEvent('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(tryEvent('will-navigate', 'app://outreach-desk/index.html')).toBe(false);
    expect(tryEvent('will-redirect', 'https://attacker.example/')).toBe(true);
    expect(tryEvent('will-attach-webview')).toBe(true);

    const open = expectDefined(contents.windowOpenHandler);
    const opened = () => electron.callsTo('shell.openExternal').map((c) => c.args[0]);
    for (const url of [
      'https://example.com/docs',
      'mailto:ada@example.com',
      'http://example.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'app://outreach-desk/index.html',
    ]) {
      expect(open({ url }), url).toEqual({ action: 'deny' });
    }
    expect(opened()).toEqual(['https://example.com/docs', 'mailto:ada@example.com']);
  });

  it('denies every permission request and check, and cancels requests to anything but the app', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      let granted: boolean | undefined;
      expectDefined(electron.session.permissionRequestHandler)(win.webContents, permission, (g) => (granted = g), {});
      expect(granted, permission).toBe(false);
      expect(expectDefined(electron.session.permissionCheckHandler)(win.webContents, permission), permission).toBe(false);
    }
    const cancelled = (url: string) => {
      let response: { cancel?: boolean } | undefined;
      expectDefined(electron.session.beforeRequest)({ url }, (r) => (response = r));
      return response?.cancel;
    };
    expect(cancelled('https://api.openai.com/v1/chat/completions')).toBe(true);
    expect(cancelled('http://127.0.0.1:11434/v1/models')).toBe(true);
    expect(cancelled('app://outreach-desk/assets/index.js')).toBe(false);
  });

  it('registers no certificate-error handler that could trust a bad certificate', () => {
    let trusted = false;
    electron.app.emit(
      'certificate-error',
      { preventDefault: () => undefined },
      win.webContents,
      'https://x',
      'net::ERR_CERT_INVALID',
      {},
      (ok: boolean) => (trusted = ok),
    );
    expect(trusted).toBe(false);
    expect(process.env.ELECTRON_DISABLE_SECURITY_WARNINGS).toBeUndefined();
  });

  it('sends core events (job progress) to the window on event:<name>', async () => {
    // Waits for the last push (the job done), so no job is left running when the core closes.
    const progress = new Promise<unknown>((resolve) => {
      const onSent = (channel: string, payload: unknown) => {
        if (channel !== 'event:jobs:progress' || (payload as { status: string }).status !== 'completed') return;
        win.webContents.off('stand-in:sent', onSent);
        resolve(payload);
      };
      win.webContents.on('stand-in:sent', onSent);
    });
    const bounce =
      "From: MAILER-DAEMON@example.com\r\nSubject: Undelivered Mail Returned to Sender\r\n\r\nThis is the mail system. I'm sorry to have to inform you that your message could not be delivered.\r\n";
    // The file goes in as the renderer sends it: an upload, then the job made from it.
    const send = (channel: string, input: unknown) =>
      expectDefined(electron.ipcHandlers.get(channel))(fromAppWindow(), input) as Promise<{ ok: boolean; value?: { uploadId?: string } }>;
    const begun = await send('uploads:begin', { name: 'bounce.eml', size: Buffer.byteLength(bounce) });
    const uploadId = expectDefined(expectDefined(begun.value).uploadId);
    expect(await send('uploads:chunk', { uploadId, offset: 0, dataBase64: Buffer.from(bounce).toString('base64') })).toMatchObject({ ok: true });
    expect(await send('uploads:finish', { uploadId })).toMatchObject({ ok: true });
    const created = await send('jobs:create-classify', { uploadIds: [uploadId], rulesOnly: true });
    expect(created).toMatchObject({ ok: true });
    expect(await progress).toMatchObject({ total: 1, done: 1, failed: 0 });
  });

  it('creates the window before any vendor SDK loads', async () => {
    await main.flushLoads();
    const windowAt = expectDefined(electron.callsTo('BrowserWindow.constructor')[0]).at;
    // The recorder works, for require and for import (a lazy SDK may come either way).
    expect(main.loads.some((l) => l.specifier === 'better-sqlite3' && l.via === 'require')).toBe(true);
    const zodUrl = pathToFileURL(createRequire(MAIN).resolve('zod')).href;
    await import(/* @vite-ignore */ zodUrl);
    await main.flushLoads();
    expect(main.loads.some((l) => l.via === 'import' && l.resolved === zodUrl)).toBe(true);
    const early = new Set(main.loads.filter((l) => l.at < windowAt).map((l) => vendorSdkOf(l) && `${vendorSdkOf(l)} (by ${l.via})`));
    early.delete(undefined);
    expect([...early], 'vendor SDKs loaded before the window was created').toEqual([]);
  });
});

describe('a second instance of the main process', () => {
  it('quits at once when another instance holds the lock: no window, no IPC, no core', async () => {
    requireBuild();
    const dir = mkdtempSync(join(tmpdir(), 'outreach-main-'));
    const electron = createElectronStandIn({ userData: join(dir, 'userData'), appPath: join(dir, 'app'), singleInstanceLock: false });
    const main = loadWithStandIn(MAIN, electron);
    try {
      electron.ready();
      await new Promise((resolve) => setImmediate(resolve));
      expect(electron.callsTo('app.quit')).toHaveLength(1);
      expect(electron.callsTo('app.whenReady')).toHaveLength(0);
      expect(electron.windows).toHaveLength(0);
      expect(electron.ipcHandlers.size).toBe(0);
      expect(existsSync(join(dir, 'userData'))).toBe(false);
    } finally {
      main.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the preload, built, against a stand-in electron', () => {
  it('exposes only window.api with invoke and on, guarded by the contract, never ipcRenderer', async () => {
    requireBuild();
    const electron = createElectronStandIn({ userData: tmpdir(), appPath: tmpdir() });
    const preload = loadWithStandIn(PRELOAD, electron);
    try {
      expect([...electron.exposed.keys()]).toEqual(['api']);
      const api = electron.exposed.get('api') as { invoke(c: string, i: unknown): Promise<unknown>; on(e: string, l: (p: unknown) => void): () => void };
      expect(Object.keys(api).sort()).toEqual(['invoke', 'on']);
      expect(Object.values(api).every((v) => typeof v === 'function')).toBe(true);
      expect(Object.values(api)).not.toContain(electron.module.ipcRenderer);

      expect(await api.invoke('app:info', {})).toEqual({ ok: true, value: { channel: 'app:info' } });
      expect(await api.invoke('shell:exec', { cmd: 'rm -rf /' })).toMatchObject({ ok: false, error: { code: 'validation' } });
      expect(electron.callsTo('ipcRenderer.invoke').map((c) => c.args[0])).toEqual(['app:info']);

      expect(() => api.on('not-an-event', () => undefined)).toThrow(/Unknown event/);
      const received: unknown[] = [];
      const off = api.on('jobs:progress', (payload) => received.push(payload));
      electron.ipcRenderer.emit('event:jobs:progress', { sender: 'the IPC event object' }, { done: 1 });
      off();
      electron.ipcRenderer.emit('event:jobs:progress', {}, { done: 2 });
      expect(received).toEqual([{ done: 1 }]);
    } finally {
      preload.dispose();
    }
  });
});
