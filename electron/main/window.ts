import { BrowserWindow } from 'electron';
import { join } from 'node:path';
import { APP_ORIGIN } from './url-policy';
import { mainWindowOptions } from './window-options';

export function createMainWindow(): BrowserWindow {
  const win = new BrowserWindow(mainWindowOptions(join(__dirname, '../preload/index.cjs')));
  win.once('ready-to-show', () => win.show());
  const devServer = process.env.ELECTRON_RENDERER_URL;
  void win.loadURL(devServer ?? `${APP_ORIGIN}/index.html`);
  return win;
}
