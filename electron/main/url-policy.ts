/** The app's own origin in Electron: pages are served by the `app://` protocol. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'outreach-desk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Whether a URL is a page of the app itself (or of the dev server while developing). */
export function isAppUrl(rawUrl: string, devServerUrl?: string): boolean {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return false;
  }
  if (url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST) return true;
  if (devServerUrl) {
    try {
      return url.origin === new URL(devServerUrl).origin;
    } catch {
      return false;
    }
  }
  return false;
}

/**
 * Whether a link may be handed to the OS browser: https and mailto only, parsed with URL
 * (never a prefix test: `https://example.com.attacker.com` is just another https host).
 */
export function isAllowedExternalUrl(rawUrl: string): boolean {
  try {
    const url = new URL(rawUrl);
    if (url.protocol === 'mailto:') return true;
    return url.protocol === 'https:' && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}
