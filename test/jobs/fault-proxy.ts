import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { FakeKind } from '../fakes/fake-provider';

/** What the proxy did with one request. `reset` destroys the socket, which the core reports as `offline`. */
export type FaultOutcome = 'ok' | 'rate_limited' | 'overloaded' | 'server' | 'reset';

export interface FaultRecord {
  /** The lead marker found in the request body (e.g. "Lead-17"), or null. */
  lead: string | null;
  outcome: FaultOutcome;
}

export interface FaultProxyOptions {
  kind: FakeKind;
  /** Decides the fault of a lead's n-th request (0-based). Deterministic, so concurrency cannot change who fails. */
  decide(lead: string | null, attempt: number): FaultOutcome;
  leadPattern?: RegExp;
}

/**
 * A loopback proxy in front of a fake vendor that answers some requests itself with a vendor
 * fault (429, 529/503, 500, connection reset) and forwards the rest. `setOffline(true)` resets
 * every connection, as a dropped network does.
 */
export interface FaultProxy {
  readonly url: string;
  readonly records: FaultRecord[];
  /** The most requests the proxy held open at once: how many calls the runner really had in flight. */
  readonly maxInFlight: number;
  setOffline(offline: boolean): void;
  /** Resolves once a reset happened while offline. */
  waitForOfflineHit(): Promise<void>;
  close(): Promise<void>;
}

const ERROR_BODIES: Record<FakeKind, Record<'rate_limited' | 'overloaded' | 'server', { status: number; body: unknown }>> = {
  openai: {
    rate_limited: { status: 429, body: { error: { message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' } } },
    overloaded: { status: 503, body: { error: { message: 'Server Overloaded', type: 'server_error' } } },
    server: { status: 500, body: { error: { message: 'The server had an error while processing your request.', type: 'server_error' } } },
  },
  anthropic: {
    rate_limited: { status: 429, body: { type: 'error', error: { type: 'rate_limit_error', message: 'Number of requests has exceeded your rate limit' } } },
    overloaded: { status: 529, body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } },
    server: { status: 500, body: { type: 'error', error: { type: 'api_error', message: 'Internal server error' } } },
  },
  gemini: {
    rate_limited: { status: 429, body: { error: { code: 429, message: 'Resource has been exhausted', status: 'RESOURCE_EXHAUSTED' } } },
    overloaded: { status: 503, body: { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } } },
    server: { status: 500, body: { error: { code: 500, message: 'An internal error has occurred.', status: 'INTERNAL' } } },
  },
};

export async function startFaultProxy(targetUrl: string, options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  const pattern = options.leadPattern ?? /Lead-\d+/;
  const records: FaultRecord[] = [];
  const attempts = new Map<string | null, number>();
  const sockets = new Set<Socket>();
  const offlineWaiters: Array<() => void> = [];
  let offline = false;
  let inFlight = 0;
  let maxInFlight = 0;

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.socket?.destroy());
    upstream.end(body);
  };

  const server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (offline) {
        res.socket?.destroy();
        for (const resolve of offlineWaiters.splice(0)) resolve();
        return;
      }
      const lead = pattern.exec(body.toString('utf8'))?.[0] ?? null;
      const attempt = attempts.get(lead) ?? 0;
      attempts.set(lead, attempt + 1);
      const outcome = options.decide(lead, attempt);
      records.push({ lead, outcome });
      if (outcome === 'ok') {
        forward(req, res, body);
      } else if (outcome === 'reset') {
        res.socket?.destroy();
      } else {
        const fault = ERROR_BODIES[options.kind][outcome];
        res.writeHead(fault.status, { 'content-type': 'application/json', 'retry-after-ms': '5' });
        res.end(JSON.stringify(fault.body));
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}${target.pathname === '/' ? '' : target.pathname}`;
  return {
    url,
    records,
    get maxInFlight() {
      return maxInFlight;
    },
    setOffline(value) {
      offline = value;
    },
    waitForOfflineHit: () => new Promise<void>((resolve) => offlineWaiters.push(resolve)),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
