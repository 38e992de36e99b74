import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChannelName } from '../../shared/ipc/contract';
import type { EventName } from '../../shared/ipc/events';
import { UPLOAD_CHUNK_BASE64_CHARS } from '../../shared/ipc/uploads';
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

const MB = 1024 * 1024;
/**
 * What one call's body may weigh. Files never travel inside a call: they go as uploads, a chunk at
 * a time, so a body is small and six calls at once cost a few MB, not GB.
 */
const DEFAULT_BODY_LIMIT = 1 * MB;
/** The channels whose largest valid input is bigger, each sized from its schema. */
const BODY_LIMITS: Partial<Record<ChannelName, number>> = {
  // One chunk as base64, with room for the rest of the JSON.
  'uploads:chunk': UPLOAD_CHUNK_BASE64_CHARS + 64 * 1024,
  // One .eml classified on its own: up to 7,000,000 characters of base64.
  'replies:classify': 8 * MB,
  // Up to 100,000 lead ids (MAX_BATCH_LEADS), or sequence ids, of 36 characters each.
  'jobs:create-generate': 5 * MB,
  'sequences:export': 5 * MB,
};

/** The body limit of a channel (an unknown name gets the default, and its refusal from the dispatcher). */
export function bodyLimitOf(channel: string): number {
  return (Object.hasOwn(BODY_LIMITS, channel) ? BODY_LIMITS[channel as ChannelName] : undefined) ?? DEFAULT_BODY_LIMIT;
}

function describeLimit(bytes: number): string {
  return bytes % MB === 0 ? `${bytes / MB} MB` : `${(bytes / MB).toFixed(1)} MB`;
}

/** A body over its channel's limit: answered 413 without reading the rest. */
class BodyTooLarge extends Error {}

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

/**
 * 413 for a body over its channel's limit, and the connection closed once it is sent: the rest of
 * the body is never read (to keep a connection alive, Node would read it all and drop it).
 */
function refuseTooLarge(res: ServerResponse, channel: string, limit: number): void {
  res.setHeader('connection', 'close');
  sendJson(res, 413, {
    ok: false,
    error: {
      code: 'validation',
      message: `The request to ${channel.slice(0, 80)} is larger than its ${describeLimit(limit)} limit: send files as uploads (uploads:begin, then uploads:chunk a part at a time) instead of inside a call.`,
      retryable: false,
    },
  });
}

/**
 * Reads a body of at most `limit` bytes, counting as it reads. Past the limit it stops reading
 * (the request is paused, and its connection closed once the 413 is sent) and rejects with
 * BodyTooLarge: a client sending 256 MB gets its answer after the first MB, and nothing more is held.
 */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        chunks.length = 0;
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
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
      let channel: string;
      try {
        channel = decodeURIComponent(url.pathname.slice('/api/'.length));
      } catch {
        return sendJson(res, 400, {
          ok: false,
          error: {
            code: 'validation',
            message: 'The channel name in the address is not valid percent-encoding: call /api/<channel>, e.g. /api/app:info.',
            retryable: false,
          },
        });
      }
      const limit = bodyLimitOf(channel);
      // A declared length over the limit is refused before a byte of the body is read.
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > limit) return refuseTooLarge(res, channel, limit);
      let input: unknown;
      try {
        const raw = await readBody(req, limit);
        input = raw.length === 0 ? undefined : JSON.parse(raw);
      } catch (error) {
        if (error instanceof BodyTooLarge) return refuseTooLarge(res, channel, limit);
        return sendJson(res, 400, { ok: false, error: { code: 'validation', message: 'The request body is not valid JSON.', retryable: false } });
      }
      const clientId = String(req.headers['x-outreach-client'] ?? '');
      const result = await options.dispatch(channel, input, {
        emit: (event: EventName, payload: unknown) => {
          streams.get(clientId)?.write(`data: ${JSON.stringify({ event, payload })}\n\n`);
        },
      });
      return sendJson(res, 200, result);
    }

    if (url.pathname === '/events') {
      if (req.method !== 'GET') return refuse(res, 405, 'Open the event stream with GET.');
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
