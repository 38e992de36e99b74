import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getLLMProvider, type LLMProvider, type ProviderClientOptions } from '../../electron/core/llm';
import { LLM_PROVIDER_NAMES, type LLMProviderName } from '../../shared/domain/llm';
import { afterAll, afterEach } from 'vitest';
import { startFakeProviders, type FakeKind, type FakeProviderSet } from '../fakes/fake-provider';

/** The three fake vendors for one test file: fresh scripts and call logs for every test, closed at the end. */
export async function startFakeProvidersForFile(): Promise<FakeProviderSet> {
  const fakes = await startFakeProviders();
  afterEach(() => fakes.reset());
  afterAll(() => fakes.close());
  return fakes;
}

export const ALL_PROVIDERS: readonly LLMProviderName[] = LLM_PROVIDER_NAMES;
export const TEST_KEY = 'test-key-0123456789abcdef';

export const lead = { firstName: 'Ana', lastName: 'Silva', company: 'Zeta Corp', jobTitle: 'CFO' };
export const business = { companyName: 'Acme', valueProposition: 'Invoices paid in half the time', senderName: 'Bo', cta: 'Book a demo' };

/** A provider pointed at the fakes, with fast retries and a short deadline. */
export function providerFor(name: LLMProviderName, fakes: FakeProviderSet, options: ProviderClientOptions = {}): LLMProvider {
  return getLLMProvider(name, {
    apiKey: name === 'local' ? undefined : TEST_KEY,
    baseURL: fakes.baseURLFor(name),
    deadlineMs: 3000,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...options,
  });
}

/** A loopback port with nothing listening on it. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Awaits a promise that must reject, returning the error. */
export async function failure(promise: Promise<unknown>): Promise<Record<string, unknown> & { code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Record<string, unknown> & { code: string; message: string };
  }
  throw new Error('expected the call to fail');
}

type ErrorKind = 'auth' | 'permission' | 'not_found' | 'rate' | 'quota' | 'server' | 'overloaded' | 'context' | 'bad_request';

/** Vendor error bodies written from the wire shapes in the reliability catalogue (§2). */
export function errorBody(kind: FakeKind, error: ErrorKind): unknown {
  if (kind === 'anthropic') {
    const type = {
      auth: 'authentication_error',
      permission: 'permission_error',
      not_found: 'not_found_error',
      rate: 'rate_limit_error',
      quota: 'rate_limit_error',
      server: 'api_error',
      overloaded: 'overloaded_error',
      context: 'invalid_request_error',
      bad_request: 'invalid_request_error',
    }[error];
    const message =
      error === 'quota'
        ? 'You have reached your specified API usage limits. You will regain access on 2026-12-01.'
        : error === 'context'
          ? 'prompt is too long: 250000 tokens > 200000 maximum'
          : error === 'auth'
            ? 'invalid x-api-key'
            : 'Something';
    return {
      type: 'error',
      error: { type, message, ...(error === 'quota' ? { details: { error_code: 'enforced_spend_limit_reached' } } : {}) },
      request_id: 'req_011CaJCR7Pm2Jh2LbWpBH5Y6',
    };
  }
  if (kind === 'openai') {
    const bodies: Record<ErrorKind, unknown> = {
      auth: {
        error: {
          message: 'Incorrect API key provided: sk-proj-****MxYA. You can find your API key at https://platform.openai.com/account/api-keys.',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      },
      permission: { error: { message: 'You are not allowed to sample from this model', type: 'invalid_request_error', param: null, code: null } },
      not_found: { error: { message: 'The model `gpt-x` does not exist', type: 'invalid_request_error', param: null, code: 'model_not_found' } },
      rate: {
        error: {
          message: 'Rate limit reached for gpt-6-sol on tokens per min (TPM): Limit 30000, Used 29937, Requested 385. Please try again in 644ms.',
          type: 'tokens',
          code: 'rate_limit_exceeded',
        },
      },
      quota: {
        error: {
          message: 'You exceeded your current quota, please check your plan and billing details.',
          type: 'insufficient_quota',
          param: null,
          code: 'insufficient_quota',
        },
      },
      server: { error: { message: 'The server had an error while processing your request.', type: 'server_error' } },
      overloaded: { error: { message: 'Server Overloaded', type: 'server_error' } },
      context: {
        error: {
          message: "This model's maximum context length is 128000 tokens.",
          type: 'invalid_request_error',
          param: 'messages',
          code: 'context_length_exceeded',
        },
      },
      bad_request: { error: { message: 'Bad request', type: 'invalid_request_error', param: null, code: null } },
    };
    return bodies[error];
  }
  const g = (code: number, status: string, message: string, details?: unknown[]) => ({ error: { code, message, status, ...(details ? { details } : {}) } });
  const bodies: Record<ErrorKind, unknown> = {
    auth: g(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.'),
    permission: g(403, 'PERMISSION_DENIED', 'Permission denied on resource project.'),
    not_found: g(404, 'NOT_FOUND', 'models/gemini-x is not found for API version v1beta.'),
    rate: g(429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota, please check your plan.', [
      { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier' }] },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '0.01s' },
    ]),
    quota: g(429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota, please check your plan.', [
      { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier' }] },
    ]),
    server: g(500, 'INTERNAL', 'An internal error has occurred.'),
    overloaded: g(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.'),
    context: g(400, 'INVALID_ARGUMENT', 'The input token count (2000000) exceeds the maximum number of tokens allowed (1048576).'),
    bad_request: g(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.'),
  };
  return bodies[error];
}

/** The vendor's own word for a truncated answer. */
export const TRUNCATED: Record<FakeKind, string> = { anthropic: 'max_tokens', openai: 'length', gemini: 'MAX_TOKENS' };
