import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAllowedExternalUrl, isAppUrl } from '../../electron/main/url-policy';

const ROOT = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

// What the main process does (the window's options, IPC guard, app:// and its CSP header, navigation, permissions,
// the preload's exposure) is checked on the built bundle against a stand-in electron in main-process.test.ts; what
// the CSP does to the built renderer (no inline script, eval, remote script or request), in Chromium by
// test/e2e/csp.spec.ts.
describe('the Electron window and main process (checked without running Electron)', () => {
  it('lets only the app itself be navigated to', () => {
    expect(isAppUrl('app://outreach-desk/index.html')).toBe(true);
    expect(isAppUrl('app://other/index.html')).toBe(false);
    expect(isAppUrl('https://outreach-desk.com/')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('http://localhost:5173/x', 'http://localhost:5173')).toBe(true);
    expect(isAppUrl('http://localhost:5174/x', 'http://localhost:5173')).toBe(false);
  });

  it('hands only https and mailto links to the OS browser, parsed, never by prefix', () => {
    expect(isAllowedExternalUrl('https://example.com/docs')).toBe(true);
    expect(isAllowedExternalUrl('mailto:ada@example.com')).toBe(true);
    expect(isAllowedExternalUrl('https://example.com.attacker.com/')).toBe(true);
    expect(isAllowedExternalUrl('https://user:pass@example.com/')).toBe(false);
    for (const bad of ['http://example.com', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'not a url', 'ms-settings:']) {
      expect(isAllowedExternalUrl(bad), bad).toBe(false);
    }
  });

  it('flips the fuses and targets every OS in the packaging config', () => {
    const config = read('electron-builder.yml');
    for (const line of [
      'runAsNode: false',
      'enableNodeOptionsEnvironmentVariable: false',
      'enableNodeCliInspectArguments: false',
      'onlyLoadAppFromAsar: true',
    ]) {
      expect(config).toContain(line);
    }
    for (const target of ['dmg', 'nsis', 'AppImage', 'deb']) expect(config).toContain(target);
  });
});

describe('one data directory for the app, the CLI and the host', () => {
  it('names the product the same in package.json (Electron userData), the packaging config and the CLI default', async () => {
    const { PRODUCT_NAME, defaultDataDir } = await import('../../electron/core/paths');
    const pkg = JSON.parse(read('package.json')) as { productName: string };
    expect(pkg.productName).toBe(PRODUCT_NAME);
    expect(read('electron-builder.yml')).toContain(`productName: ${PRODUCT_NAME}`);
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/home/u/.config' }, 'linux')).toBe(`/home/u/.config/${PRODUCT_NAME}`);
    expect(defaultDataDir({ OUTREACH_DESK_DATA_DIR: '/data' }, 'linux')).toBe('/data');
  });
});
