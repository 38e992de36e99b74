/**
 * Strings that come from a vendor (request ids, model names, error details, model lists) are
 * untrusted: a vendor, or a proxy in front of it, may echo the caller's key in them, or send
 * anything at all. They are length-capped, charset-checked and redacted before they leave the core.
 */
import { describe, expect, it } from 'vitest';
import { LLMError } from '../../electron/core/llm';
import type { LLMProviderName } from '../../shared/domain/llm';
import { ALL_PROVIDERS, failure, providerFor, startFakeProvidersForFile } from './helpers';

const fakes = await startFakeProvidersForFile();

const keyOf = (p: LLMProviderName) => `echo-key-${p}-5f1c9e7a3b2d4c6e8f0a`;
const hi = [{ role: 'user' as const, content: 'hi' }];
const SAFE_ID = /^[A-Za-z0-9._:/@+=-]{1,128}$/;

function expectSafe(value: string | null | undefined, key: string): void {
  if (value === null || value === undefined) return;
  expect(value).not.toContain(key);
  expect(value).toMatch(SAFE_ID);
}

describe('a vendor that echoes the key in its request-id headers', () => {
  it.each(ALL_PROVIDERS)('%s: chat, stream, classify and a failed call carry no key in requestId', async (p) => {
    const key = keyOf(p);
    const fake = fakes.forProvider(p);
    fake.setEchoKeyInHeaders(true);
    const provider = providerFor(p, fakes, { apiKey: key });

    const response = await provider.chat(hi);
    expectSafe(response.requestId, key);

    let finishId: string | null | undefined;
    for await (const part of provider.stream(hi)) if (part.type === 'finish') finishId = part.requestId;
    expectSafe(finishId, key);

    const classified = await provider.classifyReply('Please stop emailing me.', 'Hi');
    expectSafe(classified.requestId, key);

    // The key really went out, so the echo really carried it back.
    expect(JSON.stringify(fake.calls.map((c) => c.headers))).toContain(key);

    fake.script({
      status: 400,
      body: { error: { message: 'Bad request', type: 'invalid_request_error', code: 'bad', status: 'INVALID_ARGUMENT' }, type: 'error' },
    });
    const error = await failure(provider.chat(hi));
    expect(error).toBeInstanceOf(LLMError);
    expectSafe(error.requestId as string | undefined, key);
    expect(JSON.stringify((error as unknown as LLMError).toData())).not.toContain(key);
  });
});

describe('vendor strings are capped and charset-checked', () => {
  it('drops a request id that is too long or holds characters no id has', async () => {
    for (const header of ['x'.repeat(5000), 'req_1 <script>alert(1)</script>', 'req_1; DROP TABLE usage_events']) {
      fakes.openai.script({ reply: { text: 'ok' }, headers: { 'x-request-id': header } });
      const response = await providerFor('openai', fakes).chat(hi);
      expect(response.requestId === null || SAFE_ID.test(response.requestId)).toBe(true);
      expect(response.requestId ?? '').not.toContain('script');
      expect((response.requestId ?? '').length).toBeLessThanOrEqual(128);
    }
    fakes.openai.script({ reply: { text: 'ok' }, headers: { 'x-request-id': 'req_01kh52m3qqem4sw141xf026ehx' } });
    expect((await providerFor('openai', fakes).chat(hi)).requestId).toBe('req_01kh52m3qqem4sw141xf026ehx');
  });

  it('never returns a model name that echoes the key or is not a model id', async () => {
    const key = keyOf('openai');
    fakes.openai.script(
      { reply: { text: 'ok', model: `gpt-6-sol ${key}` } },
      { reply: { text: 'ok', model: key } },
      { reply: { text: 'ok', model: 'gpt-6-sol-2026-01-01' } },
    );
    const provider = providerFor('openai', fakes, { apiKey: key });
    const first = await provider.chat(hi, { model: 'gpt-6-sol' });
    expect(first.model).toBe('gpt-6-sol');
    const second = await provider.chat(hi, { model: 'gpt-6-sol' });
    expect(second.model).toBe('gpt-6-sol');
    expect((await provider.chat(hi, { model: 'gpt-6-sol' })).model).toBe('gpt-6-sol-2026-01-01');
  });

  it('leaves out listed model ids that echo the key or are not ids', async () => {
    const key = keyOf('openai');
    fakes.openai.setModels(['gpt-6-sol', key, 'bad model <b>', 'y'.repeat(400), 'llama3.2:latest', 'lmstudio-community/meta-llama-3.1-8b-instruct']);
    try {
      const models = await providerFor('openai', fakes, { apiKey: key }).listModels();
      const ids = models.map((m) => m.id);
      expect(ids).toContain('llama3.2:latest');
      expect(ids).toContain('lmstudio-community/meta-llama-3.1-8b-instruct');
      expect(ids.some((id) => id.includes(key) || id.includes('<') || id.length > 128)).toBe(false);
    } finally {
      fakes.openai.setModels(['gpt-6.1-sol', 'gpt-6-sol', 'gpt-6-luna', 'deepseek-v4-flash', 'llama-3.3-70b-versatile', 'llama3.2', 'fake-extra-model']);
    }
  });

  it('does not put an unknown Gemini block reason into the message as the vendor sent it', async () => {
    const key = keyOf('gemini');
    fakes.gemini.script({ body: { promptFeedback: { blockReason: `BLOCKED ${key} <img src=x>` } } });
    const error = await failure(providerFor('gemini', fakes, { apiKey: key }).chat(hi));
    expect(error.code).toBe('content_filtered');
    expect(error.message).not.toContain(key);
    expect(error.message).not.toContain('<img');
    fakes.gemini.script({ body: { promptFeedback: { blockReason: 'PROHIBITED_CONTENT' } } });
    expect((await failure(providerFor('gemini', fakes).chat(hi))).message).toContain('PROHIBITED_CONTENT');
  });
});
