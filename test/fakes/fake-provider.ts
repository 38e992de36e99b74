/**
 * Loopback fake LLM vendors speaking the real wire formats, for driving the real SDKs.
 * No test-framework imports: tests, benchmarks and a standalone process (serve.ts) share it.
 * See README.md in this folder.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { LLMProviderName } from '../../shared/domain/llm';
import { CHANNEL_SPECS } from '../../shared/domain/sequence';

export type FakeKind = 'anthropic' | 'openai' | 'gemini';
/** Every provider of the registry: each is served by one of the fake kinds (FAKE_KIND_OF). */
export type FakeProviderName = LLMProviderName;

/** Whether steps on this channel get a subject, as the prompt's channel asks (see CHANNEL_SPECS). */
function hasSubject(channel: string): boolean {
  return Object.hasOwn(CHANNEL_SPECS, channel) && CHANNEL_SPECS[channel as keyof typeof CHANNEL_SPECS].hasSubject;
}

/** An answer the fake formats in its vendor's shape, as JSON or SSE depending on the request. */
export interface FakeReply {
  text: string;
  /** The vendor's own finish reason, e.g. "max_tokens", "length", "SAFETY". Defaults to a normal stop. */
  finishReason?: string;
  usage?: { input?: number; output?: number; cached?: number; thoughts?: number };
  model?: string;
  /** Merged into the top level of the JSON body (e.g. Gemini `promptFeedback`, Anthropic `stop_details`). */
  extra?: Record<string, unknown>;
  /** Raw pieces for a streamed answer; default: the text cut into small pieces. */
  streamPieces?: string[];
}

/** One scripted response. Exactly one of `reply`, `body`, `sse`, `chunks` or `hang` shapes it. */
export interface ScriptStep {
  /** Wait before sending the headers. */
  delayMs?: number;
  status?: number;
  headers?: Record<string, string>;
  reply?: FakeReply;
  /** A JSON value (sent as JSON) or a raw string. */
  body?: unknown;
  /** SSE events sent in order: objects become `data:` lines; `{ event, data }` adds an event name; strings go raw. */
  sse?: (unknown | { event: string; data: unknown } | string)[];
  /** Raw body pieces, sent `dripMs` apart. */
  chunks?: string[];
  dripMs?: number;
  /** Send only the first N body pieces (e.g. cut a streamed reply mid-way), then apply `end`. */
  truncateAfter?: number;
  /** Send the first N body pieces, then hold the rest until `release()`: a stream stays open while a test looks. */
  holdAfter?: number;
  /** After the body pieces: end normally, destroy the socket, or keep the connection open forever. */
  end?: 'normal' | 'destroy' | 'stall';
  /** While stalled: write this text every `everyMs` (DeepSeek's keep-alive blank lines). */
  keepAlive?: { text: string; everyMs: number };
  /** Never send anything (no headers). */
  hang?: boolean;
}

export type RouteKind = 'generate' | 'models';

/** A request the fake received. */
export interface FakeCall {
  kind: FakeKind;
  route: RouteKind;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  stream: boolean;
  model: string | undefined;
  /** All prompt text of the request, joined; what the smart mode reads. */
  promptText: string;
}

export interface FakeProviderOptions {
  /** Latency before each smart answer's headers, ms. */
  latencyMs?: number;
  /** Rate-limit mode: more than this many requests in a rolling minute get 429. */
  requestsPerMinute?: number;
  /** Model ids the list-models endpoint returns. */
  models?: string[];
  /** The classification the smart mode answers with. */
  classification?: { classification: string; confidence: number; reason: string; suggestedAction: string };
  /** The text chat prompts get. */
  chatText?: string;
}

export interface FakeProvider {
  readonly kind: FakeKind;
  readonly url: string;
  /** The base URL to give the SDK of `provider` (each adds its own path). */
  baseURLFor(provider: FakeProviderName): string;
  readonly calls: FakeCall[];
  /** Queues responses for the next calls of `route` (default "generate"), first in, first out. */
  script(...steps: ScriptStep[]): void;
  scriptFor(route: RouteKind, ...steps: ScriptStep[]): void;
  setLatency(ms: number): void;
  setRequestsPerMinute(rpm: number | undefined): void;
  setModels(ids: string[]): void;
  /**
   * A vendor (or a proxy in front of it) that echoes the caller's key back in its request-id
   * headers (`request-id`, `x-request-id`) on every response, for the key canary.
   */
  setEchoKeyInHeaders(on: boolean): void;
  /** Resolves once the fake has received `count` calls in total. */
  waitForCalls(count: number): Promise<void>;
  /** Lets the oldest response held by `holdAfter` go on; a release that comes before its hold is kept for it. */
  release(): void;
  /** Forgets calls and queued scripts. */
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_MODELS: Record<FakeKind, string[]> = {
  anthropic: ['claude-sonnet-5-5', 'claude-haiku-5-5', 'claude-experimental-9'],
  openai: ['gpt-6.1-sol', 'gpt-6-sol', 'gpt-6-luna', 'deepseek-v4-flash', 'llama-3.3-70b-versatile', 'llama3.2', 'fake-extra-model'],
  gemini: ['gemini-3.8-flash', 'gemini-3.5-flash', 'gemini-9-ultra'],
};

const DEFAULT_CLASSIFICATION = {
  classification: 'interested',
  confidence: 0.92,
  reason: 'The prospect asks to schedule a call.',
  suggestedAction: 'follow_up',
};

function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function collectPromptText(kind: FakeKind, body: unknown): string {
  const out: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      const rec = v as Record<string, unknown>;
      if (typeof rec.text === 'string') out.push(rec.text);
      if (typeof rec.content === 'string') out.push(rec.content);
      if (Array.isArray(rec.content)) visit(rec.content);
      if (Array.isArray(rec.parts)) visit(rec.parts);
    }
  };
  const b = (body ?? {}) as Record<string, unknown>;
  if (kind === 'anthropic') {
    visit(b.system);
    visit(b.messages);
  } else if (kind === 'openai') {
    visit(b.messages);
  } else {
    const config = (b.generationConfig ?? b.config ?? {}) as Record<string, unknown>;
    visit((b.systemInstruction ?? config.systemInstruction) as unknown);
    visit(b.contents);
  }
  return out.join('\n');
}

/** Builds the answer a real model would give to our prompts, from the machine-readable marker. */
function smartText(promptText: string, options: FakeProviderOptions): string {
  const rewrite = /Rewrite only step (\d+)\. Keep "step": (\d+), "delay_days": (\d+), "channel": "(\w+)"/.exec(promptText);
  const specs = [...promptText.matchAll(/SEQUENCE_SPEC (\{[^\n]*\})/g)];
  const spec = specs.at(-1)?.[1];
  if (rewrite) {
    const channel = rewrite[4] ?? 'email';
    return JSON.stringify({
      step: {
        step: Number(rewrite[2]),
        delay_days: Number(rewrite[3]),
        channel,
        subject: hasSubject(channel) ? 'A fresh angle for {{company}}' : null,
        body: `Hi {{firstName}}, here is a rewritten step ${rewrite[1]}.`,
      },
    });
  }
  if (spec) {
    const s = JSON.parse(spec) as { numberOfSteps: number; channels: string[]; delayDays: number[]; includeSubjects: boolean };
    const steps = Array.from({ length: s.numberOfSteps }, (_, i) => {
      const channel = s.channels[i % s.channels.length] ?? 'email';
      return {
        step: i + 1,
        delay_days: s.delayDays[i],
        channel,
        subject: hasSubject(channel) && s.includeSubjects ? `Idea ${i + 1} for {{company}}` : null,
        body: `Hi {{firstName}}, this is step ${i + 1} about how we help {{company}}.`,
      };
    });
    return JSON.stringify({ steps });
  }
  if (promptText.includes('"suggestedAction"')) return JSON.stringify(options.classification ?? DEFAULT_CLASSIFICATION);
  return options.chatText ?? 'Hello from the fake server.';
}

function splitPieces(text: string): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += 24) pieces.push(text.slice(i, i + 24));
  return pieces.length ? pieces : [''];
}

let idCounter = 0;
const nextId = () => (++idCounter).toString(36).padStart(6, '0');

/** The normal finish reason of each wire format. */
const STOP: Record<FakeKind, string> = { anthropic: 'end_turn', openai: 'stop', gemini: 'STOP' };

function replyJson(kind: FakeKind, call: FakeCall, reply: FakeReply): unknown {
  const input = reply.usage?.input ?? estimateTokens(call.promptText);
  const output = reply.usage?.output ?? estimateTokens(reply.text);
  const cached = reply.usage?.cached ?? 0;
  const model = reply.model ?? call.model ?? 'fake-model';
  const finish = reply.finishReason ?? STOP[kind];
  if (kind === 'anthropic') {
    return {
      id: `msg_fake_${nextId()}`,
      type: 'message',
      role: 'assistant',
      model,
      content: reply.text === '' && finish === 'refusal' ? [] : [{ type: 'text', text: reply.text }],
      stop_reason: finish,
      stop_sequence: null,
      usage: {
        input_tokens: Math.max(0, input - cached),
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: cached,
        output_tokens: output,
        service_tier: 'standard',
      },
      ...reply.extra,
    };
  }
  if (kind === 'openai') {
    return {
      id: `chatcmpl-fake${nextId()}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: reply.text, refusal: null }, logprobs: null, finish_reason: finish }],
      usage: {
        prompt_tokens: input,
        completion_tokens: output,
        total_tokens: input + output,
        prompt_tokens_details: { cached_tokens: cached },
      },
      ...reply.extra,
    };
  }
  return {
    candidates: [{ content: { parts: reply.text === '' ? [] : [{ text: reply.text }], role: 'model' }, finishReason: finish, index: 0 }],
    usageMetadata: {
      promptTokenCount: input,
      candidatesTokenCount: output,
      totalTokenCount: input + output + (reply.usage?.thoughts ?? 0),
      cachedContentTokenCount: cached || undefined,
      thoughtsTokenCount: reply.usage?.thoughts,
    },
    modelVersion: model,
    responseId: `resp_fake_${nextId()}`,
    ...reply.extra,
  };
}

function replySse(kind: FakeKind, call: FakeCall, reply: FakeReply): string[] {
  const pieces = reply.streamPieces ?? splitPieces(reply.text);
  const input = reply.usage?.input ?? estimateTokens(call.promptText);
  const output = reply.usage?.output ?? estimateTokens(reply.text);
  const cached = reply.usage?.cached ?? 0;
  const model = reply.model ?? call.model ?? 'fake-model';
  const finish = reply.finishReason ?? STOP[kind];
  const data = (v: unknown, event?: string) => `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(v)}\n\n`;
  if (kind === 'anthropic') {
    return [
      data(
        {
          type: 'message_start',
          message: {
            id: `msg_fake_${nextId()}`,
            type: 'message',
            role: 'assistant',
            model,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: Math.max(0, input - cached), cache_read_input_tokens: cached, cache_creation_input_tokens: 0, output_tokens: 1 },
          },
        },
        'message_start',
      ),
      data({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start'),
      ...pieces.map((p) => data({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: p } }, 'content_block_delta')),
      data({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
      data({ type: 'message_delta', delta: { stop_reason: finish, stop_sequence: null }, usage: { output_tokens: output } }, 'message_delta'),
      data({ type: 'message_stop' }, 'message_stop'),
    ];
  }
  if (kind === 'openai') {
    const id = `chatcmpl-fake${nextId()}`;
    const created = Math.floor(Date.now() / 1000);
    const chunk = (delta: Record<string, unknown>, finishReason: string | null) =>
      data({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] });
    return [
      chunk({ role: 'assistant', content: '' }, null),
      ...pieces.map((p) => chunk({ content: p }, null)),
      chunk({}, finish),
      data({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        choices: [],
        usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output, prompt_tokens_details: { cached_tokens: cached } },
      }),
      'data: [DONE]\n\n',
    ];
  }
  return pieces.map((p, i) => {
    const last = i === pieces.length - 1;
    return data({
      candidates: [
        {
          content: { parts: p === '' ? [] : [{ text: p }], role: 'model' },
          ...(last ? { finishReason: finish } : {}),
          index: 0,
        },
      ],
      ...(last
        ? {
            usageMetadata: {
              promptTokenCount: input,
              candidatesTokenCount: output,
              totalTokenCount: input + output,
              cachedContentTokenCount: cached || undefined,
              thoughtsTokenCount: reply.usage?.thoughts,
            },
          }
        : {}),
      modelVersion: model,
      responseId: `resp_fake_${nextId()}`,
      ...(last ? reply.extra : {}),
    });
  });
}

function modelsBody(kind: FakeKind, ids: string[]): unknown {
  if (kind === 'anthropic') {
    return {
      data: ids.map((id) => ({ type: 'model', id, display_name: id, created_at: '2026-09-22T00:00:00Z' })),
      has_more: false,
      first_id: ids[0] ?? null,
      last_id: ids.at(-1) ?? null,
    };
  }
  if (kind === 'openai') return { object: 'list', data: ids.map((id) => ({ id, object: 'model', created: 1_780_000_000, owned_by: 'fake' })) };
  return { models: ids.map((id) => ({ name: `models/${id}`, displayName: id, supportedGenerationMethods: ['generateContent'] })) };
}

function classifyRoute(kind: FakeKind, method: string, path: string): { route: RouteKind; stream: boolean; model?: string } | undefined {
  if (kind === 'anthropic') {
    if (method === 'POST' && path === '/v1/messages') return { route: 'generate', stream: false };
    if (method === 'GET' && path.startsWith('/v1/models')) return { route: 'models', stream: false };
    return undefined;
  }
  if (kind === 'openai') {
    if (method === 'POST' && path.endsWith('/chat/completions')) return { route: 'generate', stream: false };
    if (method === 'GET' && /\/models\/?$/.test(path)) return { route: 'models', stream: false };
    return undefined;
  }
  const gen = /^\/[^/]+\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(path);
  if (method === 'POST' && gen) return { route: 'generate', stream: gen[2] === 'streamGenerateContent', model: gen[1] };
  if (method === 'GET' && /^\/[^/]+\/models\/?$/.test(path)) return { route: 'models', stream: false };
  return undefined;
}

function rateLimitHeaders(kind: FakeKind, limit: number, remaining: number, resetMs: number): Record<string, string> {
  if (kind === 'anthropic') {
    const reset = new Date(Date.now() + resetMs).toISOString();
    return {
      'anthropic-ratelimit-requests-limit': String(limit),
      'anthropic-ratelimit-requests-remaining': String(remaining),
      'anthropic-ratelimit-requests-reset': reset,
    };
  }
  const seconds = (resetMs / 1000).toFixed(2);
  return {
    'x-ratelimit-limit-requests': String(limit),
    'x-ratelimit-remaining-requests': String(remaining),
    'x-ratelimit-reset-requests': `${seconds}s`,
    'x-ratelimit-limit-tokens': '100000',
    'x-ratelimit-remaining-tokens': '99000',
    'x-ratelimit-reset-tokens': '6ms',
  };
}

function rateLimitErrorBody(kind: FakeKind): unknown {
  if (kind === 'anthropic') return { type: 'error', error: { type: 'rate_limit_error', message: 'Number of requests has exceeded your rate limit' } };
  if (kind === 'openai') {
    return { error: { message: 'Rate limit reached for requests per min (RPM). Please try again later.', type: 'requests', code: 'rate_limit_exceeded' } };
  }
  return { error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' } };
}

/** Starts one fake vendor on 127.0.0.1 with a free port. */
export async function startFakeProvider(kind: FakeKind, options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const settings = { ...options };
  let models = settings.models ?? DEFAULT_MODELS[kind];
  const calls: FakeCall[] = [];
  const queues: Record<RouteKind, ScriptStep[]> = { generate: [], models: [] };
  const waiters: { count: number; resolve: () => void }[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const recent: number[] = [];
  let echoKey = false;
  const held: (() => void)[] = [];
  let earlyReleases = 0;
  const hold = () => {
    if (earlyReleases > 0) {
      earlyReleases -= 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => held.push(resolve));
  };

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const send = async (res: ServerResponse, call: FakeCall, step: ScriptStep, extraHeaders: Record<string, string>) => {
    if (step.hang) return;
    const { delayMs, dripMs } = step;
    if (delayMs) await new Promise<void>((resolve) => later(delayMs, resolve));
    if (res.destroyed) return;
    const requestIdHeader = kind === 'anthropic' ? 'request-id' : 'x-request-id';
    const headers: Record<string, string> = { [requestIdHeader]: `req_fake_${nextId()}`, ...extraHeaders, ...step.headers };
    let pieces: string[];
    if (step.reply) {
      if (call.stream) {
        headers['content-type'] = 'text/event-stream';
        pieces = replySse(kind, call, step.reply);
      } else {
        headers['content-type'] = 'application/json';
        pieces = [JSON.stringify(replyJson(kind, call, step.reply))];
      }
    } else if (step.sse) {
      headers['content-type'] ??= 'text/event-stream';
      pieces = step.sse.map((e) => {
        if (typeof e === 'string') return e;
        if (e && typeof e === 'object' && 'event' in e && 'data' in e) {
          const ev = e as { event: string; data: unknown };
          return `event: ${ev.event}\ndata: ${JSON.stringify(ev.data)}\n\n`;
        }
        return `data: ${JSON.stringify(e)}\n\n`;
      });
    } else if (step.chunks) {
      headers['content-type'] ??= 'application/json';
      pieces = step.chunks;
    } else if (step.body !== undefined) {
      if (typeof step.body === 'string') {
        headers['content-type'] ??= 'text/plain';
        pieces = [step.body];
      } else {
        headers['content-type'] ??= 'application/json';
        pieces = [JSON.stringify(step.body)];
      }
    } else {
      pieces = [];
    }
    if (step.truncateAfter !== undefined) pieces = pieces.slice(0, step.truncateAfter);
    res.writeHead(step.status ?? 200, headers);
    res.flushHeaders();
    for (const [index, piece] of pieces.entries()) {
      if (index === step.holdAfter) await hold();
      if (res.destroyed) return;
      if (dripMs) await new Promise<void>((resolve) => later(dripMs, resolve));
      res.write(piece);
    }
    if (step.holdAfter !== undefined && step.holdAfter >= pieces.length) await hold();
    if (res.destroyed) return;
    const end = step.end ?? 'normal';
    if (end === 'destroy') {
      // Let the written bytes leave before the reset.
      later(5, () => res.socket?.destroy());
    } else if (end === 'stall') {
      const { keepAlive } = step;
      if (keepAlive) {
        const tick = () => {
          if (res.destroyed || res.writableEnded) return;
          res.write(keepAlive.text);
          later(keepAlive.everyMs, tick);
        };
        later(keepAlive.everyMs, tick);
      }
    } else {
      res.end();
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = classifyRoute(kind, req.method ?? 'GET', url.pathname);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    if (!route) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `fake ${kind} server has no route ${req.method} ${url.pathname}` } }));
      return;
    }
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    const b = (body ?? {}) as Record<string, unknown>;
    const call: FakeCall = {
      kind,
      route: route.route,
      method: req.method ?? 'GET',
      path: url.pathname + url.search,
      headers: req.headers,
      body,
      stream: route.stream || b.stream === true,
      model: route.model ?? (typeof b.model === 'string' ? b.model : undefined),
      promptText: route.route === 'generate' ? collectPromptText(kind, body) : '',
    };
    calls.push(call);
    for (const w of [...waiters]) {
      if (calls.length >= w.count) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }

    const extra: Record<string, string> = {};
    if (echoKey) {
      const sent = String(req.headers['x-api-key'] ?? req.headers['x-goog-api-key'] ?? req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
      extra['request-id'] = sent;
      extra['x-request-id'] = sent;
    }
    if (settings.requestsPerMinute !== undefined) {
      const now = Date.now();
      for (let oldest = recent[0]; oldest !== undefined && now - oldest >= 60_000; oldest = recent[0]) recent.shift();
      const limit = settings.requestsPerMinute;
      if (recent.length >= limit) {
        const resetMs = 60_000 - (now - (recent[0] ?? now));
        await send(
          res,
          call,
          {
            status: 429,
            headers: { ...rateLimitHeaders(kind, limit, 0, resetMs), 'retry-after': String(Math.max(1, Math.ceil(resetMs / 1000))) },
            body: rateLimitErrorBody(kind),
          },
          {},
        );
        return;
      }
      recent.push(now);
      Object.assign(extra, rateLimitHeaders(kind, limit, limit - recent.length, 60_000 - (now - (recent[0] ?? now))));
    }

    const scripted = queues[route.route].shift();
    if (scripted) {
      await send(res, call, scripted, extra);
      return;
    }
    if (route.route === 'models') {
      await send(res, call, { body: modelsBody(kind, models) }, extra);
      return;
    }
    await send(res, call, { delayMs: settings.latencyMs, reply: { text: smartText(call.promptText, settings) } }, extra);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.keepAliveTimeout = 1000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    kind,
    url,
    calls,
    baseURLFor(provider: FakeProviderName) {
      switch (provider) {
        case 'openai':
        case 'local':
          return `${url}/v1`;
        default:
          return url;
      }
    },
    script: (...steps) => queues.generate.push(...steps),
    scriptFor: (route, ...steps) => queues[route].push(...steps),
    setLatency(ms) {
      settings.latencyMs = ms;
    },
    setRequestsPerMinute(rpm) {
      settings.requestsPerMinute = rpm;
      recent.length = 0;
    },
    setModels(ids) {
      models = ids;
    },
    setEchoKeyInHeaders(on) {
      echoKey = on;
    },
    waitForCalls(count) {
      if (calls.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    release() {
      const next = held.shift();
      if (next) next();
      else earlyReleases += 1;
    },
    reset() {
      calls.length = 0;
      queues.generate.length = 0;
      queues.models.length = 0;
      recent.length = 0;
      echoKey = false;
    },
    async close() {
      for (const resume of held.splice(0)) resume();
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Which wire format each provider name speaks. */
export const FAKE_KIND_OF: Record<FakeProviderName, FakeKind> = {
  anthropic: 'anthropic',
  openai: 'openai',
  deepseek: 'openai',
  groq: 'openai',
  local: 'openai',
  gemini: 'gemini',
};

/** All three fakes at once, and the base URL for any provider name. */
export interface FakeProviderSet {
  anthropic: FakeProvider;
  openai: FakeProvider;
  gemini: FakeProvider;
  forProvider(provider: FakeProviderName): FakeProvider;
  baseURLFor(provider: FakeProviderName): string;
  /** Clears every fake's script and call log. */
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeProviders(options: FakeProviderOptions = {}): Promise<FakeProviderSet> {
  const [anthropic, openai, gemini] = await Promise.all([
    startFakeProvider('anthropic', options),
    startFakeProvider('openai', options),
    startFakeProvider('gemini', options),
  ]);
  const byKind = { anthropic, openai, gemini };
  return {
    anthropic,
    openai,
    gemini,
    forProvider: (p) => byKind[FAKE_KIND_OF[p]],
    baseURLFor: (p) => byKind[FAKE_KIND_OF[p]].baseURLFor(p),
    reset: () => {
      anthropic.reset();
      openai.reset();
      gemini.reset();
    },
    close: async () => {
      await Promise.all([anthropic.close(), openai.close(), gemini.close()]);
    },
  };
}
