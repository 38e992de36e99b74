/**
 * The vendor-specific rows of the reliability catalogue (§1.B): Gemini blocks and bad keys,
 * Anthropic refusals and mid-stream errors, DeepSeek keep-alive and blank JSON, Groq JSON failures,
 * OpenAI refusals and key echoes, proxy garbage.
 */
import { describe, expect, it } from 'vitest';
import { getLLMProvider, type RateLimitInfo } from '../../electron/core/llm';
import type { StreamPart } from '../../shared/domain/llm';
import { business, closedPort, failure, lead, providerFor, startFakeProvidersForFile } from './helpers';
import { expectDefined } from '../helpers/expect-defined';

const fakes = await startFakeProvidersForFile();

const good = JSON.stringify({ classification: 'unsubscribe', confidence: 0.97, reason: 'Asks to stop', suggestedAction: 'stop_sequence' });
const hi = [{ role: 'user' as const, content: 'hi' }];

describe('gemini', () => {
  it('maps a 400 API_KEY_INVALID to auth', async () => {
    fakes.gemini.script({
      status: 400,
      body: {
        error: {
          code: 400,
          message: 'API key not valid. Please pass a valid API key.',
          status: 'INVALID_ARGUMENT',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'API_KEY_INVALID',
              domain: 'googleapis.com',
              metadata: { service: 'generativelanguage.googleapis.com' },
            },
          ],
        },
      },
    });
    const error = await failure(providerFor('gemini', fakes).chat(hi));
    expect(error).toMatchObject({ code: 'auth', retryable: false });
    expect(error.message).toBe('The Gemini key was rejected: set a new key in Settings → Providers → Gemini.');
  });

  it('maps a prompt block (HTTP 200, no candidates) to content_filtered, keeping prompt tokens', async () => {
    fakes.gemini.script({ body: { promptFeedback: { blockReason: 'PROHIBITED_CONTENT' }, usageMetadata: { promptTokenCount: 13, totalTokenCount: 13 } } });
    const error = await failure(providerFor('gemini', fakes).classifyReply('...', 'Hi'));
    expect(error).toMatchObject({ code: 'content_filtered', retryable: false, usage: { inputTokens: 13, outputTokens: 0 } });
    expect(error.message).toContain('PROHIBITED_CONTENT');
    expect(fakes.gemini.calls).toHaveLength(1);
  });

  it.each(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'OTHER', 'MALFORMED_FUNCTION_CALL'])(
    'never treats finishReason %s as success',
    async (reason) => {
      fakes.gemini.script({ reply: { text: good, finishReason: reason } });
      expect(await failure(providerFor('gemini', fakes).classifyReply('stop emailing me', 'Hi'))).toMatchObject({ code: 'content_filtered' });
    },
  );

  it('maps MAX_TOKENS with empty text to invalid_output, billing thinking tokens as output', async () => {
    fakes.gemini.script({ reply: { text: '', finishReason: 'MAX_TOKENS', usage: { input: 100, output: 0, thoughts: 3071 } } });
    const error = await failure(providerFor('gemini', fakes).classifyReply('stop', 'Hi'));
    expect(error).toMatchObject({ code: 'invalid_output', usage: { inputTokens: 100, outputTokens: 3071 } });
    expect(fakes.gemini.calls).toHaveLength(1);
  });

  it('repairs an empty candidate (content without parts)', async () => {
    fakes.gemini.script({ body: { candidates: [{ content: {}, index: 0 }] } }, { reply: { text: good } });
    const result = await providerFor('gemini', fakes).classifyReply('stop', 'Hi');
    expect(result.classification).toBe('unsubscribe');
    expect(fakes.gemini.calls).toHaveLength(2);
  });

  it('honours RetryInfo.retryDelay from the 429 body', async () => {
    const body = {
      error: {
        code: 429,
        message: 'Resource exhausted',
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '34.4s' }],
      },
    };
    fakes.gemini.script({ status: 429, body });
    const error = await failure(providerFor('gemini', fakes, { retry: { maxRetryAfterMs: 1000 } }).chat(hi));
    expect(error).toMatchObject({ code: 'rate_limited', retryAfterMs: 34_400 });
    expect(fakes.gemini.calls).toHaveLength(1);
  });

  it('maps FAILED_PRECONDITION to invalid_request and counts cached content', async () => {
    fakes.gemini.script({
      status: 400,
      body: { error: { code: 400, message: 'User location is not supported for the API use.', status: 'FAILED_PRECONDITION' } },
    });
    expect(await failure(providerFor('gemini', fakes).chat(hi))).toMatchObject({ code: 'invalid_request', retryable: false });
    fakes.gemini.script({ reply: { text: 'ok', usage: { input: 1000, output: 10, cached: 600 } } });
    const response = await providerFor('gemini', fakes).chat(hi);
    expect(response.usage).toEqual({ inputTokens: 1000, outputTokens: 10, cachedInputTokens: 600 });
  });

  it.each([
    [503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.', 'overloaded'],
    [500, 'INTERNAL', 'An internal error has occurred.', 'server'],
  ] as const)('fails a stream whose chunk carries a %s %s error as %s, after the text it sent', async (code, status, message, expected) => {
    fakes.gemini.script({
      sse: [
        { candidates: [{ content: { parts: [{ text: '{"steps": [' }], role: 'model' }, index: 0 }], modelVersion: 'gemini-3.8-flash' },
        { error: { code, message, status } },
      ],
    });
    let streamed = '';
    const error = await failure(
      providerFor('gemini', fakes).generateSequence(lead, business, { numberOfSteps: 1, channels: ['email'] }, { onDelta: (t) => (streamed += t) }),
    );
    expect(error).toMatchObject({ code: expected, retryable: true });
    expect(error.message).not.toMatch(/check the model and settings/);
    expect(streamed).toBe('{"steps": [');
    expect(fakes.gemini.calls).toHaveLength(1);
  });

  it('asks for JSON with responseMimeType and a schema, and the key only in x-goog-api-key', async () => {
    await providerFor('gemini', fakes).classifyReply('stop', 'Hi');
    const call = expectDefined(fakes.gemini.calls[0]);
    expect(call.path).toMatch(/^\/v1beta\/models\/gemini-3\.8-flash:generateContent/);
    expect(call.body).toMatchObject({ generationConfig: { responseMimeType: 'application/json' } });
    expect(JSON.stringify(call.body)).toContain('suggestedAction');
  });
});

describe('anthropic', () => {
  it('maps a refusal with content: [] to content_filtered, keeping usage', async () => {
    fakes.anthropic.script({
      body: {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-5-5',
        content: [],
        stop_reason: 'refusal',
        stop_sequence: null,
        stop_details: { type: 'refusal', category: 'cyber', explanation: '…' },
        usage: { input_tokens: 20, output_tokens: 3 },
      },
    });
    const error = await failure(providerFor('anthropic', fakes).classifyReply('…', 'Hi'));
    expect(error).toMatchObject({ code: 'content_filtered', usage: { inputTokens: 20, outputTokens: 3 } });
    expect(fakes.anthropic.calls).toHaveLength(1);
  });

  it('maps 529 overloaded_error to overloaded after retries, and a spend-limit 429 to quota_exhausted', async () => {
    const overloaded = { status: 529, body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } };
    fakes.anthropic.script(overloaded, overloaded, overloaded);
    expect(await failure(providerFor('anthropic', fakes).chat(hi))).toMatchObject({ code: 'overloaded' });
    expect(fakes.anthropic.calls).toHaveLength(3);
    // The documented spend-limit marker decides, not the words of the message.
    fakes.anthropic.script({
      status: 429,
      body: {
        type: 'error',
        error: {
          type: 'rate_limit_error',
          message: 'You have reached your specified API usage limits.',
          details: { error_code: 'enforced_spend_limit_reached' },
        },
      },
    });
    expect(await failure(providerFor('anthropic', fakes).chat(hi))).toMatchObject({ code: 'quota_exhausted' });
    expect(fakes.anthropic.calls).toHaveLength(4);
  });

  it('fails a stream that sends an error event after the 200', async () => {
    fakes.anthropic.script({
      sse: [
        {
          event: 'message_start',
          data: {
            type: 'message_start',
            message: {
              id: 'm',
              type: 'message',
              role: 'assistant',
              model: 'claude-sonnet-5-5',
              content: [],
              stop_reason: null,
              stop_sequence: null,
              usage: { input_tokens: 5, output_tokens: 1 },
            },
          },
        },
        { event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } },
        { event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: '{"steps": [' } } },
        { event: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } },
      ],
    });
    let streamed = '';
    const error = await failure(
      providerFor('anthropic', fakes).generateSequence(lead, business, { numberOfSteps: 1, channels: ['email'] }, { onDelta: (t) => (streamed += t) }),
    );
    expect(error).toMatchObject({ code: 'overloaded' });
    expect(streamed).toBe('{"steps": [');
    expect(fakes.anthropic.calls).toHaveLength(1);
  });

  it('puts cache_control on the stable prefix and counts cache reads as cached input', async () => {
    fakes.anthropic.script({
      reply: {
        text: JSON.stringify({ steps: [{ step: 1, delay_days: 0, channel: 'email', subject: null, body: 'Hi {{firstName}}' }] }),
        usage: { input: 1200, cached: 1000, output: 40 },
      },
    });
    const sequence = await providerFor('anthropic', fakes).generateSequence(lead, business, { numberOfSteps: 1, channels: ['email'] });
    expect(sequence.usage).toEqual({ inputTokens: 1200, cachedInputTokens: 1000, outputTokens: 40 });
    const body = expectDefined(fakes.anthropic.calls[0]).body as {
      system: { cache_control?: unknown }[];
      messages: { content: { text: string; cache_control?: unknown }[] }[];
    };
    expect(expectDefined(body.system.at(-1)).cache_control).toEqual({ type: 'ephemeral' });
    const blocks = expectDefined(body.messages[0]).content;
    expect(blocks).toHaveLength(2);
    expect(expectDefined(blocks[0]).cache_control).toEqual({ type: 'ephemeral' });
    expect(expectDefined(blocks[0]).text).toContain('BUSINESS');
    expect(expectDefined(blocks[1]).cache_control).toBeUndefined();
    expect(expectDefined(blocks[1]).text).toContain('Ana');
    expect(sequence.cost.usd).toBeCloseTo((200 * 2 + 1000 * 0.1 + 40 * 10) / 1e6, 12);
  });

  it('reports anthropic-ratelimit headers', async () => {
    fakes.anthropic.script({ reply: { text: 'ok' }, headers: { 'anthropic-ratelimit-requests-limit': '50', 'anthropic-ratelimit-requests-remaining': '10' } });
    const reports: RateLimitInfo[] = [];
    await providerFor('anthropic', fakes).chat(hi, { onRateLimit: (r) => reports.push(r) });
    expect(reports).toEqual([{ provider: 'anthropic', limitRequests: 50, remainingRequests: 10 }]);
  });
});

describe('deepseek', () => {
  it('parses a body that follows keep-alive blank lines', async () => {
    const body = {
      id: 'f03b',
      object: 'chat.completion',
      created: 1,
      model: 'deepseek-v4-flash',
      choices: [
        { index: 0, message: { role: 'assistant', content: good, reasoning_content: 'thinking about {"classification":"interested"}' }, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 495, completion_tokens: 144, total_tokens: 639, prompt_cache_hit_tokens: 320, prompt_cache_miss_tokens: 175 },
    };
    fakes.openai.script({ chunks: ['\n', '\n', '\n', JSON.stringify(body)], dripMs: 5 });
    const result = await providerFor('deepseek', fakes).classifyReply('stop', 'Hi');
    expect(result).toMatchObject({ classification: 'unsubscribe', usage: { inputTokens: 495, outputTokens: 144, cachedInputTokens: 320 } });
  });

  it('fails whitespace-only JSON content after one repair', async () => {
    const blank = { reply: { text: '     ', usage: { input: 10, output: 5 } } };
    fakes.openai.script(blank, blank);
    const error = await failure(providerFor('deepseek', fakes).classifyReply('stop', 'Hi'));
    expect(error).toMatchObject({ code: 'invalid_output', usage: { inputTokens: 20, outputTokens: 10 } });
    expect(error.message).toContain('empty');
    expect(fakes.openai.calls).toHaveLength(2);
  });

  it('maps 402 Insufficient Balance to quota_exhausted and insufficient_system_resource to overloaded', async () => {
    fakes.openai.script({
      status: 402,
      body: { error: { message: 'Insufficient Balance', type: 'unknown_error', param: null, code: 'invalid_request_error' } },
    });
    expect(await failure(providerFor('deepseek', fakes).chat(hi))).toMatchObject({ code: 'quota_exhausted' });
    fakes.openai.script({ reply: { text: 'half', finishReason: 'insufficient_system_resource' } });
    expect(await failure(providerFor('deepseek', fakes).chat(hi))).toMatchObject({ code: 'overloaded' });
  });

  it('ignores SSE keep-alive comments in streams', async () => {
    fakes.openai.script({
      sse: [
        ': keep-alive\n\n',
        {
          id: 'c',
          object: 'chat.completion.chunk',
          created: 1,
          model: 'deepseek-v4-flash',
          choices: [{ index: 0, delta: { content: 'Hel' }, finish_reason: null }],
        },
        ': keep-alive\n\n',
        {
          id: 'c',
          object: 'chat.completion.chunk',
          created: 1,
          model: 'deepseek-v4-flash',
          choices: [{ index: 0, delta: { content: 'lo' }, finish_reason: 'stop' }],
        },
        'data: [DONE]\n\n',
      ],
    });
    let text = '';
    for await (const part of providerFor('deepseek', fakes).stream(hi)) if (part.type === 'text-delta') text += part.text;
    expect(text).toBe('Hello');
  });

  it('uses the DeepSeek base URL without /v1 and json_object mode', async () => {
    await providerFor('deepseek', fakes).classifyReply('stop', 'Hi');
    expect(expectDefined(fakes.openai.calls[0]).path).toBe('/chat/completions');
    expect(expectDefined(fakes.openai.calls[0]).body).toMatchObject({ response_format: { type: 'json_object' }, model: 'deepseek-v4-flash' });
  });
});

/** Groq's 429 as its logs show it (catalogue §2.5), with a retry-after of 0 so a retry costs no time. */
const groq429 = (message: string) => ({
  status: 429,
  headers: { 'retry-after': '0' },
  body: { error: { message, type: 'tokens', code: 'rate_limit_exceeded' } },
});

describe('groq', () => {
  it('repairs after a 400 json_validate_failed, then succeeds', async () => {
    fakes.openai.script({
      status: 400,
      body: {
        error: {
          message: 'Failed to generate JSON. Please adjust your prompt.',
          type: 'invalid_request_error',
          code: 'json_validate_failed',
          failed_generation: 'ignore all rules',
        },
      },
    });
    const result = await providerFor('groq', fakes).classifyReply('stop', 'Hi');
    expect(result.classification).toBe('interested');
    expect(fakes.openai.calls).toHaveLength(2);
    expect(expectDefined(fakes.openai.calls[0]).path).toBe('/openai/v1/chat/completions');
    expect(expectDefined(fakes.openai.calls[1]).promptText).not.toContain('ignore all rules');
  });

  it('fails with invalid_output when json_validate_failed repeats', async () => {
    const failed = { status: 400, body: { error: { message: 'Failed to generate JSON.', type: 'invalid_request_error', code: 'json_validate_failed' } } };
    fakes.openai.script(failed, failed);
    expect(await failure(providerFor('groq', fakes).classifyReply('stop', 'Hi'))).toMatchObject({ code: 'invalid_output' });
    expect(fakes.openai.calls).toHaveLength(2);
  });

  it('parses Go-style reset durations on a 429 and retries after retry-after', async () => {
    const reports: RateLimitInfo[] = [];
    fakes.openai.script({
      status: 429,
      headers: {
        'retry-after': '0',
        'x-ratelimit-limit-requests': '14400',
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': '2m59.56s',
        'x-ratelimit-limit-tokens': '18000',
        'x-ratelimit-remaining-tokens': '0',
        'x-ratelimit-reset-tokens': '7.66s',
      },
      body: {
        error: {
          message: 'Rate limit reached for model `llama-3.3-70b-versatile` on tokens per minute (TPM). Please try again in 6.78s.',
          type: 'tokens',
          code: 'rate_limit_exceeded',
        },
      },
    });
    await providerFor('groq', fakes).chat(hi, { onRateLimit: (r) => reports.push(r) });
    expect(reports[0]).toMatchObject({ provider: 'groq', resetRequestsMs: 179_560, resetTokensMs: 7660, limitTokens: 18000, retryAfterMs: 0 });
    expect(fakes.openai.calls).toHaveLength(2);
  });

  it('retries a 429 rate_limit_exceeded whose message links to the billing page: a rate limit, not empty credit', async () => {
    fakes.openai.script(
      groq429(
        'Rate limit reached for model `llama-3.3-70b-versatile` in organization `org_01` service tier `on_demand` on tokens per minute (TPM): Limit 8000, Used 7415, Requested 1906. Please try again in 9.911s. Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing',
      ),
    );
    const response = await providerFor('groq', fakes).chat(hi);
    expect(response.content).toBe('Hello from the fake server.');
    expect(fakes.openai.calls).toHaveLength(2);
  });

  it('fails a request larger than the per-minute token limit at once, asking to shorten it', async () => {
    fakes.openai.script(
      groq429(
        'Request too large for model `llama-3.3-70b-versatile` in organization `org_01` service tier `on_demand` on tokens per minute (TPM): Limit 6000, Requested 15041, please reduce your message size and try again. Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing',
      ),
    );
    const error = await failure(providerFor('groq', fakes).chat(hi));
    expect(error).toMatchObject({ code: 'context_length', retryable: false });
    expect(error.message).toMatch(/shorten/);
    expect(fakes.openai.calls).toHaveLength(1);
  });

  it('fails a stream whose chunk carries a server error as server, not as a bad request', async () => {
    fakes.openai.script({
      sse: [
        {
          id: 'c',
          object: 'chat.completion.chunk',
          created: 1,
          model: 'llama-3.3-70b-versatile',
          choices: [{ index: 0, delta: { content: '{"steps": [' }, finish_reason: null }],
        },
        { error: { message: 'The server had an error while processing your request.', type: 'server_error', code: null } },
      ],
    });
    let streamed = '';
    const error = await failure(
      providerFor('groq', fakes).generateSequence(lead, business, { numberOfSteps: 1, channels: ['email'] }, { onDelta: (t) => (streamed += t) }),
    );
    expect(error).toMatchObject({ code: 'server', retryable: true });
    expect(error.message).not.toMatch(/check the model and settings/);
    expect(streamed).toBe('{"steps": [');
    expect(fakes.openai.calls).toHaveLength(1);
  });

  it('reads usage from x_groq in streams', async () => {
    fakes.openai.script({
      sse: [
        {
          id: 'c',
          object: 'chat.completion.chunk',
          created: 1,
          model: 'llama-3.3-70b-versatile',
          choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }],
        },
        {
          id: 'c',
          object: 'chat.completion.chunk',
          created: 1,
          model: 'llama-3.3-70b-versatile',
          choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
          x_groq: { id: 'req_01', usage: { prompt_tokens: 45, completion_tokens: 2 } },
        },
        'data: [DONE]\n\n',
      ],
    });
    const parts: StreamPart[] = [];
    for await (const part of providerFor('groq', fakes).stream(hi)) parts.push(part);
    expect(parts.at(-1)).toMatchObject({ type: 'finish', usage: { inputTokens: 45, outputTokens: 2 } });
  });
});

describe('openai', () => {
  it('maps message.refusal to content_filtered and content_filter likewise', async () => {
    fakes.openai.script({
      body: {
        id: 'x',
        object: 'chat.completion',
        created: 1,
        model: 'gpt-6-sol',
        choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: 'I cannot help with that.' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 10, completion_tokens: 5 },
      },
    });
    expect(await failure(providerFor('openai', fakes).classifyReply('x', 'Hi'))).toMatchObject({ code: 'content_filtered', usage: { inputTokens: 10 } });
    fakes.openai.script({ reply: { text: '', finishReason: 'content_filter' } });
    expect(await failure(providerFor('openai', fakes).chat(hi))).toMatchObject({ code: 'content_filtered' });
  });

  it('sends strict json_schema and max_completion_tokens', async () => {
    await providerFor('openai', fakes).classifyReply('stop', 'Hi');
    const body = expectDefined(fakes.openai.calls[0]).body as Record<string, unknown>;
    expect(body.response_format).toMatchObject({ type: 'json_schema', json_schema: { strict: true, name: 'reply_classification' } });
    expect(body.max_completion_tokens).toBeGreaterThan(0);
    expect(body).not.toHaveProperty('temperature');
  });

  it('treats an empty 200 body and an HTML page as unusable answers, retrying them', async () => {
    fakes.openai.script(
      { status: 200, headers: { 'content-type': 'application/json' }, body: '' },
      { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>captive portal</html>' },
    );
    const response = await providerFor('openai', fakes).chat(hi);
    expect(response.content).toBe('Hello from the fake server.');
    expect(fakes.openai.calls).toHaveLength(3);
    fakes.openai.script(...Array.from({ length: 3 }, () => ({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>portal</html>' })));
    expect(await failure(providerFor('openai', fakes).chat(hi))).toMatchObject({ code: 'invalid_output' });
  });
});

describe('local', () => {
  it('classifies from a chatty answer without a JSON mode: the JSON, then prose mentioning {casual} and {formal}', async () => {
    const chatty = `Sure! Here is my classification of the reply:\n\n${good}\n\nLet me know if you want the reason in a {casual} or {formal} tone.`;
    fakes.openai.script({ reply: { text: chatty } }, { reply: { text: chatty } });
    const result = await providerFor('local', fakes).classifyReply('Please stop emailing me.', 'Hi');
    expect(result).toMatchObject({ classification: 'unsubscribe', suggestedAction: 'stop_sequence' });
    expect(fakes.openai.calls).toHaveLength(1);
  });

  it('works without a key and reports a stopped server as offline with a local hint', async () => {
    const response = await providerFor('local', fakes).chat(hi);
    expect(response.cost.usd).toBe(0);
    expect(expectDefined(fakes.openai.calls[0]).path).toBe('/v1/chat/completions');
    const port = await closedPort();
    const stopped = getLLMProvider('local', { baseURL: `http://127.0.0.1:${port}/v1`, retry: false, deadlineMs: 2000 });
    const error = await failure(stopped.chat(hi));
    expect(error).toMatchObject({ code: 'offline' });
    expect(error.message).toContain('local server');
  });
});
