import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventName } from '../../shared/ipc/events';
import type { Dispatch } from '../core/handlers/dispatch';
import type { Logger } from '../core/log';
import { CONTENT_SECURITY_POLICY, mimeTypeFor, resolveRendererFile } from '../core/renderer-files';
import { renderBridgeScript } from './bridge';

export interface BrowserHostOptions {
  dispatch: Dispatch;
  /** Pushes for every tab (job progress). */
  subscribe?: (listener: (event: EventName, payload: unknown) => void) => () => void;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  logger: Logger;
  /** The per-launch token; random unless a test needs to know it. */
  token?: string;
}

export interface BrowserHost {
  /** The address to open, with the token in its fragment. */
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 256 * 1024 * 1024;
const BRIDGE_PATH = '/__outreach/bridge.js';

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, {
    'content-type': type,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
  });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');
}

function refuse(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { ok: false, error: { code: 'forbidden', message, retryable: false } });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The loopback browser host: a second door into the core, as safe as the first. It serves the
 * built renderer and the same dispatcher over HTTP (SSE for events) on 127.0.0.1 only, and
 * refuses any call without the per-launch token, with a foreign Origin, or with a Host that is
 * not this server (DNS rebinding).
 */
export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const streams = new Map<string, ServerResponse>();
  const bridge = renderBridgeScript();
  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      options.logger.error('browser host request failed', { error });
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'internal', message: 'The host failed to answer.', retryable: false } });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!allowedHosts().has(req.headers.host ?? '')) return refuse(res, 421, 'Wrong Host header: open the address the host printed.');
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) return refuse(res, 403, 'Requests from other origins are refused.');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);

    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return refuse(res, 405, 'Use POST.');
      if (origin === undefined) return refuse(res, 403, 'Calls must come from the app page.');
      const given = req.headers['x-outreach-token'];
      if (typeof given !== 'string' || !sameSecret(given, token)) return refuse(res, 401, 'Missing or wrong token: open the address the host printed.');
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return refuse(res, 415, 'Send JSON.');
      let input: unknown;
      try {
        const raw = await readBody(req);
        input = raw.length === 0 ? undefined : JSON.parse(raw);
      } catch {
        return sendJson(res, 400, { ok: false, error: { code: 'validation', message: 'The request body is not valid JSON (or is too large).', retryable: false } });
      }
      const channel = decodeURIComponent(url.pathname.slice('/api/'.length));
      const clientId = String(req.headers['x-outreach-client'] ?? '');
      const result = await options.dispatch(channel, input, {
        emit: (event: EventName, payload: unknown) => {
          streams.get(clientId)?.write(`data: ${JSON.stringify({ event, payload })}\n\n`);
        },
      });
      return sendJson(res, 200, result);
    }

    if (url.pathname === '/events') {
      const given = url.searchParams.get('token') ?? '';
      if (!sameSecret(given, token)) return refuse(res, 401, 'Missing or wrong token.');
      const fetchSite = req.headers['sec-fetch-site'];
      if (fetchSite !== undefined && fetchSite !== 'same-origin') return refuse(res, 403, 'Requests from other sites are refused.');
      const clientId = url.searchParams.get('client') ?? '';
      if (!/^[0-9a-f-]{36}$/.test(clientId)) return refuse(res, 400, 'Bad client id.');
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(': connected\n\n');
      streams.set(clientId, res);
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      req.on('close', () => {
        clearInterval(heartbeat);
        if (streams.get(clientId) === res) streams.delete(clientId);
      });
      return;
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Use GET.');
    if (url.pathname === BRIDGE_PATH) return send(res, 200, bridge, 'text/javascript; charset=utf-8');
    const file = resolveRendererFile(options.rendererDir, url.pathname);
    if (!file) return send(res, 404, 'Not found');
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return send(res, 404, 'Not found');
    }
    if (file.endsWith('.html')) {
      // The bridge must define window.api before the app's module script runs.
      const html = body.toString('utf8').replace('<head>', `<head>\n    <script src="${BRIDGE_PATH}"></script>`);
      return send(res, 200, html, mimeTypeFor(file));
    }
    res.writeHead(200, {
      'content-type': mimeTypeFor(file),
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
    });
    res.end(body);
  }

  const unsubscribe = options.subscribe?.((event, payload) => {
    const line = `data: ${JSON.stringify({ event, payload })}\n\n`;
    for (const stream of streams.values()) stream.write(line);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/#token=${token}`,
    origin,
    port,
    token,
    close: async () => {
      unsubscribe?.();
      for (const stream of streams.values()) stream.end();
      streams.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
