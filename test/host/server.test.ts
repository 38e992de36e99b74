import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, MemorySecretStore, silentLogger, type Core } from '../../electron/core';
import { startBrowserHost, type BrowserHost } from '../../electron/host/server';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw HTTP, so a test can send any Host and Origin (fetch would not let it). */
function send(port: number, options: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

describe('loopback browser host guards', () => {
  let dir: string;
  let core: Core;
  let host: BrowserHost;
  let origin: string;
  const call = (channel: string, body: string, headers: Record<string, string> = {}) =>
    send(host.port, {
      method: 'POST',
      path: `/api/${channel}`,
      headers: { host: `127.0.0.1:${host.port}`, origin, 'content-type': 'application/json', 'x-outreach-token': host.token, ...headers },
      body,
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'outreach-host-'));
    const rendererDir = join(dir, 'renderer');
    mkdirSync(join(rendererDir, 'assets'), { recursive: true });
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><html><head><title>t</title></head><body></body></html>');
    writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(dir, 'secret.txt'), 'do not serve');
    core = await createCore({ dataDir: join(dir, 'data'), secrets: new MemorySecretStore(), logger: silentLogger, version: '1.2.3' });
    host = await startBrowserHost({ dispatch: core.dispatch, subscribe: core.subscribe, rendererDir, logger: silentLogger });
    origin = host.origin;
  });

  afterAll(async () => {
    await host.close();
    core.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('binds 127.0.0.1 and puts the token only in the URL fragment', () => {
    expect(host.origin).toBe(`http://127.0.0.1:${host.port}`);
    expect(host.url).toBe(`${host.origin}/#token=${host.token}`);
    expect(host.token.length).toBeGreaterThanOrEqual(40);
  });

  it('answers a real channel with the token, the right Host and Origin', async () => {
    const res = await call('app:info', '');
    expect(res.status).toBe(200);
    const envelope = JSON.parse(res.body);
    expect(envelope.ok).toBe(true);
    expect(envelope.value.version).toBe('1.2.3');
    expect(envelope.value.dataDir).toBe(join(dir, 'data'));
  });

  it('refuses a call without the token', async () => {
    const res = await call('app:info', '', { 'x-outreach-token': '' });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('refuses a call with a wrong token of the same length', async () => {
    const wrong = host.token.slice(0, -1) + (host.token.endsWith('A') ? 'B' : 'A');
    expect((await call('app:info', '', { 'x-outreach-token': wrong })).status).toBe(401);
  });

  it('refuses a foreign Origin (another local web page)', async () => {
    const res = await call('app:info', '', { origin: 'http://evil.example' });
    expect(res.status).toBe(403);
  });

  it('refuses a call with no Origin at all', async () => {
    const res = await send(host.port, {
      method: 'POST',
      path: '/api/app:info',
      headers: { host: `127.0.0.1:${host.port}`, 'content-type': 'application/json', 'x-outreach-token': host.token },
      body: '',
    });
    expect(res.status).toBe(403);
  });

  it('refuses a bad Host (DNS rebinding), for calls and for pages', async () => {
    expect((await call('app:info', '', { host: `evil.example:${host.port}` })).status).toBe(421);
    expect((await send(host.port, { path: '/', headers: { host: 'evil.example' } })).status).toBe(421);
  });

  it('refuses the event stream without the token', async () => {
    const res = await send(host.port, { path: '/events?client=00000000-0000-4000-8000-000000000000', headers: { host: `127.0.0.1:${host.port}` } });
    expect(res.status).toBe(401);
  });

  it('uses the same input validation as IPC', async () => {
    const bad = JSON.parse((await call('session:switch-user', JSON.stringify({ userId: 42 }))).body);
    expect(bad).toMatchObject({ ok: false, error: { code: 'validation', field: 'userId' } });
    const unknown = JSON.parse((await call('fs:read', '{}')).body);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'validation' } });
    const polluted = JSON.parse((await call('users:save', '{"name":"x","role":"member","__proto__":{"admin":true}}')).body);
    expect(polluted).toMatchObject({ ok: false, error: { code: 'validation' } });
    const garbage = await call('app:info', '{not json');
    expect(garbage.status).toBe(400);
  });

  it('serves the renderer with the CSP and the bridge, and nothing outside it', async () => {
    const page = await send(host.port, { path: '/', headers: { host: `127.0.0.1:${host.port}` } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script src="/__outreach/bridge.js"></script>');
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(String(page.headers['content-security-policy'])).not.toContain('unsafe-eval');
    const asset = await send(host.port, { path: '/assets/app.js', headers: { host: `localhost:${host.port}` } });
    expect(asset.status).toBe(200);
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/%00']) {
      const res = await send(host.port, { path, headers: { host: `127.0.0.1:${host.port}` } });
      expect(res.status, path).toBe(404);
      expect(res.body).not.toContain('do not serve');
    }
  });

  it('serves a bridge whose window.api lists the contract channels and no token', async () => {
    const res = await send(host.port, { path: '/__outreach/bridge.js', headers: { host: `127.0.0.1:${host.port}` } });
    expect(res.status).toBe(200);
    expect(res.body).toContain('"app:info"');
    expect(res.body).not.toContain(host.token);
  });
});
