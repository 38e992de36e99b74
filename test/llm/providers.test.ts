/**
 * Every provider name through its real SDK against the loopback fakes: success paths (JSON and
 * SSE), the transport and HTTP rows of the reliability catalogue, structured-output faults, abort.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { getLLMProvider, type RateLimitInfo } from '../../electron/core/llm';
import type { StreamPart } from '../../shared/domain/llm';
import { FAKE_KIND_OF, type FakeProvider } from '../fakes/fake-provider';
import { ALL_PROVIDERS, business, closedPort, errorBody, failure, lead, providerFor, TEST_KEY, TRUNCATED, startFakeProvidersForFile } from './helpers';
import { expectDefined } from '../helpers/expect-defined';

const fakes = await startFakeProvidersForFile();

// @anthropic-ai/sdk 1.x sends the key as a bearer token.
const AUTH_HEADER = { anthropic: 'authorization', openai: 'authorization', gemini: 'x-goog-api-key' } as const;
const classification = { classification: 'question', confidence: 0.7, reason: 'Asks about pricing', suggestedAction: 'follow_up' };

describe.each(ALL_PROVIDERS)('%s', (name) => {
  const kind = FAKE_KIND_OF[name];
  let fake: FakeProvider;
  beforeAll(() => {
    fake = fakes.forProvider(name);
  });

  it('chats over JSON with usage, cost, request id and the key only in the auth header', async () => {
    const llm = providerFor(name, fakes);
    const response = await llm.chat([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Say hello' },
    ]);
    expect(response.content).toBe('Hello from the fake server.');
    expect(response.finishReason).toBe('stop');
    expect(response.usage.inputTokens).toBeGreaterThan(0);
    expect(response.usage.outputTokens).toBeGreaterThan(0);
    expect(response.requestId).toMatch(/^req_fake_/);
    expect(response.cost.priceTable).toMatch(/^catalog-/);
    expect(response.latencyMs).toBeGreaterThanOrEqual(0);
    const call = expectDefined(fake.calls[0]);
    expect(call.model).toBe(response.model);
    const auth = String(call.headers[AUTH_HEADER[kind]]);
    expect(auth).toContain(name === 'local' ? 'local' : TEST_KEY);
    expect(JSON.stringify(call.body)).not.toContain(TEST_KEY);
    expect(call.path).not.toContain(TEST_KEY);
  });

  it('streams text deltas and ends with one finish part', async () => {
    fake.script({ reply: { text: 'one two three four five six seven eight nine ten eleven twelve', usage: { input: 11, output: 12 } } });
    const parts: StreamPart[] = [];
    for await (const part of providerFor(name, fakes).stream([{ role: 'user', content: 'Count' }])) parts.push(part);
    const deltas = parts.filter((p) => p.type === 'text-delta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((p) => (p.type === 'text-delta' ? p.text : '')).join('')).toBe('one two three four five six seven eight nine ten eleven twelve');
    const finish = expectDefined(parts.at(-1));
    expect(finish).toMatchObject({ type: 'finish', finishReason: 'stop', usage: { inputTokens: 11, outputTokens: 12 } });
    expect(parts.filter((p) => p.type === 'finish')).toHaveLength(1);
    expect(expectDefined(fake.calls[0]).stream).toBe(true);
  });

  it('generates a valid sequence in the vendor JSON mode, as JSON and streamed', async () => {
    const llm = providerFor(name, fakes);
    const options = { numberOfSteps: 3, channels: ['email', 'sms'] as ('email' | 'sms')[], delayDays: [0, 4], includeSubjects: true };
    const sequence = await llm.generateSequence(lead, business, options);
    expect(sequence.steps.map((s) => [s.step, s.delay_days, s.channel])).toEqual([
      [1, 0, 'email'],
      [2, 4, 'sms'],
      [3, 5, 'email'],
    ]);
    expect(expectDefined(sequence.steps[0]).subject).toBeTruthy();
    expect(sequence.provider).toBe(name);
    const body = JSON.stringify(expectDefined(fake.calls[0]).body);
    expect(body).toMatch(/JSON/);
    if (name === 'openai') expect(body).toContain('"json_schema"');
    else if (kind === 'openai') expect(body).toContain('"json_object"');
    else if (kind === 'anthropic') expect(body).toContain('"output_config"');
    else expect(body).toContain('"responseJsonSchema"');

    let streamed = '';
    const viaStream = await llm.generateSequence(lead, business, options, { onDelta: (t) => (streamed += t) });
    expect(viaStream.steps).toHaveLength(3);
    expect(JSON.parse(streamed).steps).toHaveLength(3);
    expect(expectDefined(fake.calls[1]).stream).toBe(true);
  });

  it('regenerates one step', async () => {
    const llm = providerFor(name, fakes);
    const options = { numberOfSteps: 2, channels: ['email'] as 'email'[], includeSubjects: true };
    const sequence = await llm.generateSequence(lead, business, options);
    const result = await llm.regenerateStep(lead, business, options, sequence.steps, 1);
    expect(result.step).toMatchObject({ step: 2, delay_days: 3, channel: 'email' });
  });

  it('classifies a reply, tolerating a code fence', async () => {
    fake.script({ reply: { text: `\`\`\`json\n${JSON.stringify(classification)}\n\`\`\`` } });
    const result = await providerFor(name, fakes).classifyReply('How much does it cost?', 'Hi Ana', lead);
    expect(result).toMatchObject(classification);
    expect(fake.calls).toHaveLength(1);
  });

  it('maps 401 to auth with our own message and no retry', async () => {
    fake.script({ status: 401, body: errorBody(kind, 'auth') });
    const error = await failure(providerFor(name, fakes).chat([{ role: 'user', content: 'hi' }]));
    expect(error).toMatchObject({ code: 'auth', retryable: false, provider: name });
    expect(error.message).toContain('Settings → Providers');
    expect(error.message).not.toMatch(/sk-|Incorrect API key|invalid x-api-key/);
    expect(fake.calls).toHaveLength(1);
  });

  it('maps 403 to permission and 404 to model_not_found', async () => {
    fake.script({ status: 403, body: errorBody(kind, 'permission') }, { status: 404, body: errorBody(kind, 'not_found') });
    const llm = providerFor(name, fakes);
    expect(await failure(llm.chat([{ role: 'user', content: 'hi' }]))).toMatchObject({ code: 'permission' });
    expect(await failure(llm.chat([{ role: 'user', content: 'hi' }], { model: 'no-such-model' }))).toMatchObject({ code: 'model_not_found' });
    expect(fake.calls).toHaveLength(2);
  });

  it('retries a 429 with retry-after and reports the rate limit', async () => {
    const limited = {
      status: 429,
      headers: { 'retry-after': '0.01', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '12ms' },
      body: errorBody(kind, 'rate'),
    };
    fake.script(limited, limited);
    const reports: RateLimitInfo[] = [];
    const response = await providerFor(name, fakes).chat([{ role: 'user', content: 'hi' }], { onRateLimit: (info) => reports.push(info) });
    expect(response.content).toBe('Hello from the fake server.');
    expect(fake.calls).toHaveLength(3);
    expect(reports[0]).toMatchObject({ provider: name, retryAfterMs: 10, remainingRequests: 0, resetRequestsMs: 12 });
  });

  it('fails fast with rate_limited when retry-after exceeds the cap', async () => {
    fake.script({ status: 429, headers: { 'retry-after': '600' }, body: errorBody(kind, 'rate') });
    const error = await failure(providerFor(name, fakes).chat([{ role: 'user', content: 'hi' }]));
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 600_000 });
    expect(fake.calls).toHaveLength(1);
  });

  it('maps quota 429 and 402 to quota_exhausted without retrying', async () => {
    fake.script({ status: 429, body: errorBody(kind, 'quota') }, { status: 402, body: errorBody(kind, 'bad_request') });
    const llm = providerFor(name, fakes);
    expect(await failure(llm.chat([{ role: 'user', content: 'hi' }]))).toMatchObject({ code: 'quota_exhausted', retryable: false });
    expect(await failure(llm.chat([{ role: 'user', content: 'hi' }]))).toMatchObject({ code: 'quota_exhausted', retryable: false });
    expect(fake.calls).toHaveLength(2);
  });

  it('retries 500 and 503 three times, then fails with server / overloaded', async () => {
    const llm = providerFor(name, fakes);
    fake.script(...Array.from({ length: 3 }, () => ({ status: 500, body: errorBody(kind, 'server') })));
    expect(await failure(llm.chat([{ role: 'user', content: 'hi' }]))).toMatchObject({ code: 'server', retryable: true });
    expect(fake.calls).toHaveLength(3);
    fake.script(...Array.from({ length: 3 }, () => ({ status: 503, body: errorBody(kind, 'overloaded') })));
    expect(await failure(llm.chat([{ role: 'user', content: 'hi' }]))).toMatchObject({ code: 'overloaded' });
    expect(fake.calls).toHaveLength(6);
  });

  it('recovers when a 503 is followed by a success', async () => {
    fake.script({ status: 503, body: errorBody(kind, 'overloaded') });
    const response = await providerFor(name, fakes).chat([{ role: 'user', content: 'hi' }]);
    expect(response.content).toBe('Hello from the fake server.');
    expect(fake.calls).toHaveLength(2);
  });

  it('maps context-length errors to context_length', async () => {
    fake.script({ status: 400, body: errorBody(kind, 'context') });
    expect(await failure(providerFor(name, fakes).chat([{ role: 'user', content: 'hi' }]))).toMatchObject({ code: 'context_length', retryable: false });
  });

  it('maps a socket reset mid-body to offline', async () => {
    fake.script({ chunks: ['{"id":"x","choi'], end: 'destroy' });
    const error = await failure(providerFor(name, fakes, { retry: false }).chat([{ role: 'user', content: 'hi' }]));
    expect(error).toMatchObject({ code: 'offline', retryable: true });
  });

  it('times out a body that stalls after the headers, keep-alive lines and all', async () => {
    fake.script({ chunks: ['\n'], end: 'stall', keepAlive: { text: '\n', everyMs: 20 } });
    const error = await failure(providerFor(name, fakes, { deadlineMs: 300 }).chat([{ role: 'user', content: 'hi' }]));
    expect(error).toMatchObject({ code: 'timeout', retryable: true });
  });

  it('times out a server that never answers, covering retries', async () => {
    fake.script({ hang: true }, { hang: true }, { hang: true });
    const error = await failure(providerFor(name, fakes, { deadlineMs: 300 }).chat([{ role: 'user', content: 'hi' }]));
    expect(error).toMatchObject({ code: 'timeout' });
  });

  it('times out a stream that stalls mid-way', async () => {
    fake.script({ reply: { text: 'a partial answer that is long enough for several pieces' }, truncateAfter: 3, end: 'stall' });
    const llm = providerFor(name, fakes, { deadlineMs: 300 });
    const deltas: string[] = [];
    const error = await failure(
      (async () => {
        for await (const part of llm.stream([{ role: 'user', content: 'hi' }])) if (part.type === 'text-delta') deltas.push(part.text);
      })(),
    );
    expect(error).toMatchObject({ code: 'timeout' });
    expect(deltas.length).toBeGreaterThan(0);
  });

  it('maps a caller abort to aborted and stops', async () => {
    fake.script({ hang: true });
    const controller = new AbortController();
    const pending = providerFor(name, fakes).chat([{ role: 'user', content: 'hi' }], { signal: controller.signal });
    await fake.waitForCalls(1);
    controller.abort();
    expect(await failure(pending)).toMatchObject({ code: 'aborted', retryable: false });
    expect(fake.calls).toHaveLength(1);
  });

  it('maps connection refused to offline', async () => {
    const port = await closedPort();
    const llm = getLLMProvider(name, { apiKey: TEST_KEY, baseURL: `http://127.0.0.1:${port}`, deadlineMs: 2000, retry: { maxAttempts: 2, baseDelayMs: 1 } });
    const error = await failure(llm.chat([{ role: 'user', content: 'hi' }]));
    expect(error).toMatchObject({ code: 'offline', retryable: true });
  });

  it('fails a truncated answer with invalid_output and its usage, without a repair attempt', async () => {
    fake.script({ reply: { text: '{"classification":"interes', finishReason: TRUNCATED[kind], usage: { input: 50, output: 512 } } });
    const error = await failure(providerFor(name, fakes).classifyReply('Tell me more', 'Hi'));
    expect(error).toMatchObject({ code: 'invalid_output', usage: { inputTokens: 50, outputTokens: 512 } });
    expect(fake.calls).toHaveLength(1);
  });

  it('repairs empty content once, summing usage and telling the model what was wrong', async () => {
    fake.script(
      { reply: { text: '', usage: { input: 40, output: 1 } } },
      { reply: { text: JSON.stringify(classification), usage: { input: 60, output: 20 } } },
    );
    const result = await providerFor(name, fakes).classifyReply('How much?', 'Hi');
    expect(result).toMatchObject({ classification: 'question', usage: { inputTokens: 100, outputTokens: 21 } });
    expect(fake.calls).toHaveLength(2);
    expect(expectDefined(fake.calls[1]).promptText).toContain('could not be used');
  });

  it('fails an invalid enum after one repair, keeping the raw text and both calls’ usage', async () => {
    const bad = { reply: { text: JSON.stringify({ ...classification, classification: 'Maybe Later' }), usage: { input: 30, output: 10 } } };
    fake.script(bad, bad);
    const error = await failure(providerFor(name, fakes).classifyReply('Not now', 'Hi'));
    expect(error).toMatchObject({ code: 'invalid_output', usage: { inputTokens: 60, outputTokens: 20 } });
    expect(error.rawText).toContain('Maybe Later');
    expect(error.message).not.toContain('Maybe Later');
    expect(error.message).toContain('Settings → Providers');
    expect(fake.calls).toHaveLength(2);
    expect(expectDefined(fake.calls[1]).promptText).toContain('"classification" must be one of');
  });

  it('repairs a sequence with the wrong number of steps', async () => {
    fake.script({ reply: { text: JSON.stringify({ steps: [{ step: 1, delay_days: 0, channel: 'email', subject: 'Hi', body: 'Hi {{firstName}}' }] }) } });
    const sequence = await providerFor(name, fakes).generateSequence(lead, business, { numberOfSteps: 2, channels: ['email'], includeSubjects: true });
    expect(sequence.steps).toHaveLength(2);
    expect(fake.calls).toHaveLength(2);
    expect(expectDefined(fake.calls[1]).promptText).toContain('exactly 2 steps');
  });

  it('lists models merged with the catalog, and a failed fetch throws', async () => {
    const llm = providerFor(name, fakes);
    fake.setModels(['vendor-only-model']);
    const models = await llm.listModels();
    expect(models.find((m) => m.id === 'vendor-only-model')).toMatchObject({ unknownToCatalog: true });
    expect(models.filter((m) => m.missingFromVendor).length).toBeGreaterThan(0);
    fake.scriptFor('models', { status: 401, body: errorBody(kind, 'auth') });
    expect(await failure(llm.listModels())).toMatchObject({ code: 'auth' });
    fake.setModels(fake.kind === 'anthropic' ? ['claude-sonnet-5-5'] : ['gpt-6-sol']);
  });
});

describe('configuration', () => {
  it('ignores *_BASE_URL, *_API_KEY and *_LOG from the environment', async () => {
    const saved = { ...process.env };
    const port = await closedPort();
    for (const prefix of ['OPENAI', 'ANTHROPIC', 'GROQ']) {
      process.env[`${prefix}_BASE_URL`] = `http://127.0.0.1:${port}`;
      process.env[`${prefix}_API_KEY`] = 'env-key-should-not-be-used';
      process.env[`${prefix}_LOG`] = 'debug';
    }
    process.env.GEMINI_API_KEY = 'env-key-should-not-be-used';
    process.env.GOOGLE_API_KEY = 'env-key-should-not-be-used';
    try {
      for (const name of ALL_PROVIDERS) {
        const response = await providerFor(name, fakes).chat([{ role: 'user', content: 'hi' }]);
        expect(response.content).toBe('Hello from the fake server.');
      }
      for (const fake of [fakes.anthropic, fakes.openai, fakes.gemini]) {
        expect(JSON.stringify(fake.calls.map((c) => c.headers))).not.toContain('env-key-should-not-be-used');
      }
    } finally {
      process.env = saved;
    }
  });

  it('throws no_key naming the fix when a key is required and missing; local needs none', () => {
    for (const name of ALL_PROVIDERS.filter((n) => n !== 'local')) {
      let error: unknown;
      try {
        getLLMProvider(name, {});
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'no_key', provider: name });
      expect((error as Error).message).toMatch(/Settings → Providers/);
    }
    expect(
      (() => {
        try {
          getLLMProvider('openai', {});
        } catch (e) {
          return (e as Error).message;
        }
        return '';
      })(),
    ).toBe('No OpenAI key is set: add one in Settings → Providers → OpenAI, or set OPENAI_API_KEY.');
    expect(getLLMProvider('local', {}).name).toBe('local');
  });
});
