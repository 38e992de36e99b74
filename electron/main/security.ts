import { app, protocol, session, shell, net } from 'electron';
import { stat } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { CONTENT_SECURITY_POLICY, resolveRendererFile } from '../core/renderer-files';
import { APP_HOST, APP_SCHEME, isAllowedExternalUrl, isAppUrl } from './url-policy';

/** Must run before `app.ready`: the app:// scheme behaves like a secure, standard origin. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** Serves the built renderer on app://outreach-desk/ with the app's CSP; nothing outside that folder. */
export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === APP_HOST ? resolveRendererFile(rendererDir, url.pathname) : null;
    const isFile = file
      ? await stat(file).then(
          (s) => s.isFile(),
          () => false,
        )
      : false;
    if (!file || !isFile) return new Response('Not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });
}

/**
 * Deny by default: no navigation away from the app, no new windows (https and mailto links
 * open in the OS browser), no webviews, no permission grants, no remote content.
 */
export function hardenApp(devServerUrl?: string): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isAppUrl(details.url, devServerUrl) || details.url.startsWith('devtools://') || details.url.startsWith('data:');
    callback({ cancel: !allowed });
  });

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url, devServerUrl)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url, devServerUrl)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (isAllowedExternalUrl(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}
