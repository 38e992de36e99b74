import { app, BrowserWindow, dialog } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CorruptDatabaseError, createCore, createFileLogger, type Core } from '../core';
import { AppError } from '../core/errors';
import { eventChannel, registerIpc } from './ipc';
import { hardenApp, registerAppScheme, serveRenderer } from './security';
import { createMainWindow } from './window';

registerAppScheme();
app.enableSandbox();

const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
let core: Core | null = null;

/** Opens the core; a corrupt database is moved aside only after the user agrees to start fresh. */
async function openCore(dataDir: string): Promise<Core | null> {
  const logger = createFileLogger(dataDir);
  // In development, node_modules holds better-sqlite3 built for Node (the CLI and tests use it);
  // `npm start` builds an Electron-ABI copy beside it. Packaged apps are rebuilt by electron-builder.
  const devBinding = join(app.getAppPath(), 'node_modules', '.electron-native', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  const sqliteNativeBinding = !app.isPackaged && existsSync(devBinding) ? devBinding : undefined;
  // The reply analysis worker is built beside this bundle (electron.vite.config.ts).
  const replyWorkerFile = join(__dirname, 'reply-worker.js');
  const options = { dataDir, env: process.env, logger, version: app.getVersion(), sqliteNativeBinding, autoSync: true, replyWorkerFile };
  try {
    return await createCore(options);
  } catch (error) {
    const message = error instanceof AppError ? error.message : 'Outreach Desk could not start. The details are in the log.';
    logger.error('core failed to open', { error });
    const corrupt = error instanceof CorruptDatabaseError;
    const { response } = await dialog.showMessageBox({
      type: 'error',
      title: 'Outreach Desk',
      message: 'Outreach Desk could not open its data.',
      detail: corrupt ? `${message}\n\nStart fresh moves the damaged file aside (nothing is deleted) and creates a new database.` : message,
      buttons: corrupt ? ['Start fresh', 'Quit'] : ['Quit'],
      defaultId: 0,
      cancelId: corrupt ? 1 : 0,
    });
    if (!corrupt || response !== 0) return null;
    return createCore({ ...options, onCorrupt: 'move-aside' });
  }
}

async function start(): Promise<void> {
  core = await openCore(app.getPath('userData'));
  if (!core) {
    app.quit();
    return;
  }
  serveRenderer(join(__dirname, '../renderer'));
  hardenApp(devServerUrl);
  registerIpc(core.dispatch, devServerUrl);
  core.subscribe((event, payload) => {
    for (const win of BrowserWindow.getAllWindows()) win.webContents.send(eventChannel(event), payload);
  });
  createMainWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow();
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const [win] = BrowserWindow.getAllWindows();
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => core?.close());
  void app.whenReady().then(start);
}
