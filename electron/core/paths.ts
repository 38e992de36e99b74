import { accessSync, constants, mkdirSync, type Stats, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { AppError, type FixWording } from './errors';

/** The product name Electron uses for its userData folder (electron-builder's productName). */
export const PRODUCT_NAME = 'Outreach Desk';

/**
 * The app's data directory, the same one Electron's `app.getPath('userData')` gives, so the CLI
 * and the browser host see the desktop app's data. `OUTREACH_DESK_DATA_DIR` overrides it.
 */
export function defaultDataDir(env: Readonly<Record<string, string | undefined>> = process.env, platform = process.platform): string {
  if (env.OUTREACH_DESK_DATA_DIR) return env.OUTREACH_DESK_DATA_DIR;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', PRODUCT_NAME);
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), PRODUCT_NAME);
}

/** The fix for a data folder that cannot be used, as each surface names it. */
export function otherFolder(w: FixWording): string {
  return w.surface === 'cli' ? 'or give another folder with --data-dir' : 'or start Outreach Desk with OUTREACH_DESK_DATA_DIR set to another folder';
}

function errnoOf(error: unknown): string {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : '';
}

/** Why a folder cannot be written ("EROFS", "EACCES"), or '' when it can. */
function accessCode(path: string): string {
  try {
    accessSync(path, constants.W_OK);
    return '';
  } catch (error) {
    return errnoOf(error);
  }
}

/** The nearest folder above `dir` that exists (or the file that stands where a folder should). */
function nearestExisting(dir: string): { path: string; isFile: boolean } {
  let current = dirname(resolve(dir));
  for (;;) {
    try {
      return { path: current, isFile: !statSync(current).isDirectory() };
    } catch {
      const parent = dirname(current);
      if (parent === current) return { path: current, isFile: false };
      current = parent;
    }
  }
}

/**
 * Makes sure the data folder exists and can be written before anything opens in it, and says
 * what is wrong with it otherwise (a file in its place, a parent that cannot be written, a
 * read-only disk, a full one), naming the folder and the fix. Never a raw stack.
 */
export function prepareDataDir(dir: string): void {
  const folder = resolve(dir);
  let info: Stats | undefined;
  try {
    info = statSync(folder);
  } catch {
    info = undefined;
  }
  if (info && !info.isDirectory()) {
    throw new AppError('storage', (w) => `The data folder ${folder} is a file, not a folder: move the file, ${otherFolder(w)}.`, { field: 'dataDir' });
  }
  if (!info) {
    try {
      mkdirSync(folder, { recursive: true });
    } catch (error) {
      const code = errnoOf(error);
      const above = nearestExisting(folder);
      if (code === 'ENOSPC') {
        throw new AppError(
          'storage',
          (w) => `The disk holding ${above.path} is full, so the data folder ${folder} cannot be created: free some space, ${otherFolder(w)}.`,
          { field: 'dataDir', cause: error },
        );
      }
      if (code === 'ENOTDIR' || above.isFile) {
        throw new AppError(
          'storage',
          (w) => `The data folder ${folder} cannot be created: ${above.path} is a file, not a folder. Check the path, ${otherFolder(w)}.`,
          { field: 'dataDir', cause: error },
        );
      }
      const why = code === 'EROFS' || accessCode(above.path) === 'EROFS' ? 'the disk is read-only' : 'no permission to write there';
      throw new AppError(
        'storage',
        (w) => `The data folder ${folder} cannot be created in ${above.path} (${why}): make ${above.path} writable, ${otherFolder(w)}.`,
        { field: 'dataDir', cause: error },
      );
    }
  }
  const denied = accessCode(folder);
  if (denied) {
    const why = denied === 'EROFS' ? 'its disk is read-only' : 'you have no permission to write in it';
    throw new AppError('storage', (w) => `The data folder ${folder} cannot be written (${why}): make it writable, ${otherFolder(w)}.`, { field: 'dataDir' });
  }
}
