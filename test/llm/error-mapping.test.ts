/**
 * Every vendor's real error bodies (reliability catalogue §2) against our codes. The mapping reads
 * status, error type and code; words in a message never decide (Groq's rate-limit 429 links to its
 * billing page). Status 0 is an error event inside a 200 stream.
 */
import { describe, expect, it } from 'vitest';
import { mapHttpError } from '../../electron/core/llm/error-mapping';
import type { LLMProviderName } from '../../shared/domain/llm';

interface Row {
  name: string;
  provider: LLMProviderName;
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  code: string;
  retryable: boolean;
  retryAfterMs?: number;
}

const anthropic = (type: string, message: string, extra: Record<string, unknown> = {}) => ({
  type: 'error',
  error: { type, message, ...extra },
  request_id: 'req_011CaJCR7Pm2Jh2LbWpBH5Y6',
});
const openai = (message: string, type: string, code: string | null, param: string | null = null) => ({ error: { message, type, param, code } });
const gemini = (code: number, status: string, message: string, details?: unknown[]) => ({ error: { code, message, status, ...(details ? { details } : {}) } });

const GROQ_TPM_BILLING =
  'Rate limit reached for model `llama-3.3-70b-versatile` in organization `org_01` service tier `on_demand` on tokens per minute (TPM): Limit 8000, Used 7415, Requested 1906. Please try again in 9.911s. Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing';
const GROQ_TOO_LARGE =
  'Request too large for model `llama-3.3-70b-versatile` in organization `org_01` service tier `on_demand` on tokens per minute (TPM): Limit 6000, Requested 15041, please reduce your message size and try again. Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing';
const GROQ_TPD =
  'Rate limit reached for model `llama-3.3-70b-versatile` in organization `org_01` service tier `on_demand` on tokens per day (TPD): Limit 100000, Used 99659, Requested 1234. Please try again in 12m37.296s. Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing';
const ANTHROPIC_RATE =
  "This request would exceed your organization's rate limit of 50,000 input tokens per minute. Please reduce the prompt length or the maximum tokens requested, or try again later. You may also contact sales about billing and usage limits for a rate limit increase.";

const ROWS: Row[] = [
  // Anthropic (§2.1)
  {
    name: 'anthropic 401 authentication_error',
    provider: 'anthropic',
    status: 401,
    body: anthropic('authentication_error', 'invalid x-api-key'),
    code: 'auth',
    retryable: false,
  },
  {
    name: 'anthropic 400 invalid_request_error',
    provider: 'anthropic',
    status: 400,
    body: anthropic('invalid_request_error', 'Bad request'),
    code: 'invalid_request',
    retryable: false,
  },
  {
    name: 'anthropic 400 prompt too long',
    provider: 'anthropic',
    status: 400,
    body: anthropic('invalid_request_error', 'prompt is too long: 250000 tokens > 200000 maximum'),
    code: 'context_length',
    retryable: false,
  },
  {
    name: 'anthropic 402 billing_error',
    provider: 'anthropic',
    status: 402,
    body: anthropic('billing_error', 'Your credit balance is too low'),
    code: 'quota_exhausted',
    retryable: false,
  },
  {
    name: 'anthropic 403 permission_error',
    provider: 'anthropic',
    status: 403,
    body: anthropic('permission_error', 'no'),
    code: 'permission',
    retryable: false,
  },
  {
    name: 'anthropic 404 not_found_error',
    provider: 'anthropic',
    status: 404,
    body: anthropic('not_found_error', 'model: claude-x'),
    code: 'model_not_found',
    retryable: false,
  },
  { name: 'anthropic 409 conflict_error', provider: 'anthropic', status: 409, body: anthropic('conflict_error', 'conflict'), code: 'server', retryable: true },
  {
    name: 'anthropic 413 request_too_large',
    provider: 'anthropic',
    status: 413,
    body: anthropic('request_too_large', 'Request exceeds the maximum allowed number of bytes.'),
    code: 'context_length',
    retryable: false,
  },
  {
    name: 'anthropic 429 rate_limit_error with retry-after',
    provider: 'anthropic',
    status: 429,
    headers: { 'retry-after': '7' },
    body: anthropic('rate_limit_error', ANTHROPIC_RATE),
    code: 'rate_limited',
    retryable: true,
    retryAfterMs: 7000,
  },
  {
    name: 'anthropic 429 rate_limit_error whose words mention billing and usage limits',
    provider: 'anthropic',
    status: 429,
    body: anthropic('rate_limit_error', ANTHROPIC_RATE),
    code: 'rate_limited',
    retryable: true,
  },
  {
    name: 'anthropic 429 enforced_spend_limit_reached',
    provider: 'anthropic',
    status: 429,
    body: anthropic('rate_limit_error', 'You have reached your specified API usage limits.', { details: { error_code: 'enforced_spend_limit_reached' } }),
    code: 'quota_exhausted',
    retryable: false,
  },
  {
    name: 'anthropic 500 api_error',
    provider: 'anthropic',
    status: 500,
    body: anthropic('api_error', 'Internal server error'),
    code: 'server',
    retryable: true,
  },
  {
    name: 'anthropic 504 timeout_error',
    provider: 'anthropic',
    status: 504,
    body: anthropic('timeout_error', 'Request timed out'),
    code: 'timeout',
    retryable: true,
  },
  {
    name: 'anthropic 529 overloaded_error',
    provider: 'anthropic',
    status: 529,
    body: anthropic('overloaded_error', 'Overloaded'),
    code: 'overloaded',
    retryable: true,
  },
  {
    name: 'anthropic mid-stream overloaded_error',
    provider: 'anthropic',
    status: 0,
    body: anthropic('overloaded_error', 'Overloaded'),
    code: 'overloaded',
    retryable: true,
  },
  {
    name: 'anthropic mid-stream api_error',
    provider: 'anthropic',
    status: 0,
    body: anthropic('api_error', 'Internal server error'),
    code: 'server',
    retryable: true,
  },

  // OpenAI (§2.2)
  {
    name: 'openai 401 invalid_api_key',
    provider: 'openai',
    status: 401,
    body: openai('Incorrect API key provided: sk-proj-****MxYA.', 'invalid_request_error', 'invalid_api_key'),
    code: 'auth',
    retryable: false,
  },
  {
    name: 'openai 429 insufficient_quota',
    provider: 'openai',
    status: 429,
    body: openai('You exceeded your current quota, please check your plan and billing details.', 'insufficient_quota', 'insufficient_quota'),
    code: 'quota_exhausted',
    retryable: false,
  },
  {
    name: 'openai 429 rate_limit_exceeded',
    provider: 'openai',
    status: 429,
    body: openai(
      'Rate limit reached for gpt-4o in organization org-1 on tokens per min (TPM): Limit 30000, Used 29937, Requested 385. Please try again in 644ms.',
      'tokens',
      'rate_limit_exceeded',
    ),
    code: 'rate_limited',
    retryable: true,
  },
  {
    name: 'openai 400 unsupported_parameter',
    provider: 'openai',
    status: 400,
    body: openai("Unsupported parameter: 'max_tokens' is not supported with this model.", 'invalid_request_error', 'unsupported_parameter', 'max_tokens'),
    code: 'invalid_request',
    retryable: false,
  },
  {
    name: 'openai 400 json word missing',
    provider: 'openai',
    status: 400,
    body: openai("'messages' must contain the word 'json' in some form.", 'invalid_request_error', null, 'messages'),
    code: 'invalid_request',
    retryable: false,
  },
  {
    name: 'openai 400 context_length_exceeded',
    provider: 'openai',
    status: 400,
    body: openai("This model's maximum context length is 128000 tokens.", 'invalid_request_error', 'context_length_exceeded', 'messages'),
    code: 'context_length',
    retryable: false,
  },
  {
    name: 'openai 404 model_not_found',
    provider: 'openai',
    status: 404,
    body: openai('The model `gpt-x` does not exist', 'invalid_request_error', 'model_not_found'),
    code: 'model_not_found',
    retryable: false,
  },
  {
    name: 'openai 500 server_error',
    provider: 'openai',
    status: 500,
    body: openai('The server had an error while processing your request.', 'server_error', null),
    code: 'server',
    retryable: true,
  },
  {
    name: 'openai 503',
    provider: 'openai',
    status: 503,
    body: openai('The engine is currently overloaded, please try again later', 'server_error', null),
    code: 'overloaded',
    retryable: true,
  },
  {
    name: 'openai mid-stream server_error',
    provider: 'openai',
    status: 0,
    body: { message: 'The server had an error while processing your request.', type: 'server_error', code: null },
    code: 'server',
    retryable: true,
  },
  {
    name: 'openai mid-stream error without a type',
    provider: 'openai',
    status: 0,
    body: { message: 'Something went wrong.' },
    code: 'server',
    retryable: true,
  },

  // Gemini (§2.3)
  {
    name: 'gemini 400 API_KEY_INVALID',
    provider: 'gemini',
    status: 400,
    body: gemini(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
      { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' },
    ]),
    code: 'auth',
    retryable: false,
  },
  {
    name: 'gemini 429 per-minute quota with RetryInfo',
    provider: 'gemini',
    status: 429,
    body: gemini(429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota, please check your plan and billing details.', [
      { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier' }] },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '34.4s' },
    ]),
    code: 'rate_limited',
    retryable: true,
    retryAfterMs: 34_400,
  },
  {
    name: 'gemini 429 per-day quota',
    provider: 'gemini',
    status: 429,
    body: gemini(429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota.', [
      { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier' }] },
    ]),
    code: 'quota_exhausted',
    retryable: false,
  },
  {
    name: 'gemini 400 INVALID_ARGUMENT',
    provider: 'gemini',
    status: 400,
    body: gemini(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.'),
    code: 'invalid_request',
    retryable: false,
  },
  {
    name: 'gemini 400 FAILED_PRECONDITION',
    provider: 'gemini',
    status: 400,
    body: gemini(400, 'FAILED_PRECONDITION', 'User location is not supported for the API use.'),
    code: 'invalid_request',
    retryable: false,
  },
  {
    name: 'gemini 403 PERMISSION_DENIED',
    provider: 'gemini',
    status: 403,
    body: gemini(403, 'PERMISSION_DENIED', 'Permission denied.'),
    code: 'permission',
    retryable: false,
  },
  {
    name: 'gemini 404 NOT_FOUND',
    provider: 'gemini',
    status: 404,
    body: gemini(404, 'NOT_FOUND', 'models/gemini-x is not found.'),
    code: 'model_not_found',
    retryable: false,
  },
  {
    name: 'gemini 500 INTERNAL',
    provider: 'gemini',
    status: 500,
    body: gemini(500, 'INTERNAL', 'An internal error has occurred.'),
    code: 'server',
    retryable: true,
  },
  {
    name: 'gemini 503 UNAVAILABLE',
    provider: 'gemini',
    status: 503,
    body: gemini(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.'),
    code: 'overloaded',
    retryable: true,
  },
  {
    name: 'gemini 504 DEADLINE_EXCEEDED',
    provider: 'gemini',
    status: 504,
    body: gemini(504, 'DEADLINE_EXCEEDED', 'Deadline exceeded.'),
    code: 'timeout',
    retryable: true,
  },

  // DeepSeek (§2.4)
  {
    name: 'deepseek 402 Insufficient Balance',
    provider: 'deepseek',
    status: 402,
    body: openai('Insufficient Balance', 'unknown_error', 'invalid_request_error'),
    code: 'quota_exhausted',
    retryable: false,
  },
  {
    name: 'deepseek 401',
    provider: 'deepseek',
    status: 401,
    body: openai('Authentication Fails, Your api key is invalid', 'authentication_error', 'invalid_request_error'),
    code: 'auth',
    retryable: false,
  },
  {
    name: 'deepseek 422',
    provider: 'deepseek',
    status: 422,
    body: openai('Invalid Parameters', 'invalid_request_error', 'invalid_request_error'),
    code: 'invalid_request',
    retryable: false,
  },
  {
    name: 'deepseek 429 whose words mention billing',
    provider: 'deepseek',
    status: 429,
    body: openai('Rate Limit Reached. See billing and usage limits in your account.', 'rate_limit_error', 'invalid_request_error'),
    code: 'rate_limited',
    retryable: true,
  },
  {
    name: 'deepseek 500',
    provider: 'deepseek',
    status: 500,
    body: openai('Server Error', 'api_error', 'invalid_request_error'),
    code: 'server',
    retryable: true,
  },
  {
    name: 'deepseek 503',
    provider: 'deepseek',
    status: 503,
    body: openai('Server Overloaded', 'api_error', 'invalid_request_error'),
    code: 'overloaded',
    retryable: true,
  },

  // Groq (§2.5)
  {
    name: 'groq 429 TPM rate_limit_exceeded linking to billing',
    provider: 'groq',
    status: 429,
    headers: { 'retry-after': '10' },
    body: { error: { message: GROQ_TPM_BILLING, type: 'tokens', code: 'rate_limit_exceeded' } },
    code: 'rate_limited',
    retryable: true,
    retryAfterMs: 10_000,
  },
  {
    name: 'groq 429 TPD rate_limit_exceeded linking to billing',
    provider: 'groq',
    status: 429,
    headers: { 'retry-after': '758' },
    body: { error: { message: GROQ_TPD, type: 'tokens', code: 'rate_limit_exceeded' } },
    code: 'rate_limited',
    retryable: true,
    retryAfterMs: 758_000,
  },
  {
    name: 'groq 429 request larger than the per-minute limit',
    provider: 'groq',
    status: 429,
    body: { error: { message: GROQ_TOO_LARGE, type: 'tokens', code: 'rate_limit_exceeded' } },
    code: 'context_length',
    retryable: false,
  },
  {
    name: 'groq 400 json_validate_failed',
    provider: 'groq',
    status: 400,
    body: { error: { message: 'Failed to generate JSON.', type: 'invalid_request_error', code: 'json_validate_failed', failed_generation: '…' } },
    code: 'invalid_output',
    retryable: false,
  },
  {
    name: 'groq 400 invalid_request_error',
    provider: 'groq',
    status: 400,
    body: { error: { message: '…', type: 'invalid_request_error' } },
    code: 'invalid_request',
    retryable: false,
  },
  {
    name: 'groq 413',
    provider: 'groq',
    status: 413,
    body: { error: { message: 'Request Entity Too Large', type: 'invalid_request_error' } },
    code: 'context_length',
    retryable: false,
  },
  {
    name: 'groq 498 capacity_exceeded',
    provider: 'groq',
    status: 498,
    body: { error: { message: 'Flex tier capacity exceeded.', type: 'capacity_exceeded' } },
    code: 'overloaded',
    retryable: true,
  },
  {
    name: 'groq mid-stream server error',
    provider: 'groq',
    status: 0,
    body: { message: 'Internal Server Error', type: 'internal_server_error' },
    code: 'server',
    retryable: true,
  },
];

describe('mapHttpError against the vendors’ real bodies', () => {
  it.each(ROWS.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const error = mapHttpError(row.provider, row.status, row.body, row.headers, { model: 'm' });
    expect({ code: error.code, retryable: error.retryable }).toEqual({ code: row.code, retryable: row.retryable });
    if (row.retryAfterMs !== undefined) expect(error.retryAfterMs).toBe(row.retryAfterMs);
    // Our words only: the vendor's message never reaches ours.
    const vendorMessage = JSON.stringify(row.body).match(/"message":"([^"]{12,})"/)?.[1];
    if (vendorMessage) expect(error.message).not.toContain(vendorMessage.slice(0, 30));
  });

  it('never says "check the model and settings" for an error that arrived inside a stream', () => {
    for (const row of ROWS.filter((r) => r.status === 0)) {
      expect(mapHttpError(row.provider, 0, row.body, undefined, {}).message).not.toMatch(/check the model and settings/);
    }
  });

  it('tells the user to shorten a request that no wait would let through', () => {
    const error = mapHttpError('groq', 429, { error: { message: GROQ_TOO_LARGE, type: 'tokens', code: 'rate_limit_exceeded' } }, undefined, {
      model: 'llama-3.3-70b-versatile',
    });
    expect(error.message).toMatch(/shorten/i);
    expect(error.message).not.toMatch(/out of credit/);
  });
});
