import { homedir } from 'node:os';
import { join } from 'node:path';

/** The product name Electron uses for its userData folder (electron-builder's productName). */
export const PRODUCT_NAME = 'Outreach Desk';

/**
 * The app's data directory, the same one Electron's `app.getPath('userData')` gives, so the CLI
 * and the browser host see the desktop app's data. `OUTREACH_DESK_DATA_DIR` overrides it.
 */
export function defaultDataDir(env: Readonly<Record<string, string | undefined>> = process.env, platform = process.platform): string {
  if (env['OUTREACH_DESK_DATA_DIR']) return env['OUTREACH_DESK_DATA_DIR'];
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', PRODUCT_NAME);
  if (platform === 'win32') return join(env['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming'), PRODUCT_NAME);
  return join(env['XDG_CONFIG_HOME'] ?? join(homedir(), '.config'), PRODUCT_NAME);
}
