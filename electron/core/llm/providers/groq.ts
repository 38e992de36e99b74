import type { ProviderAdapter } from '../adapter';
import { observedFetch, observerFetchOptions } from '../http-observer';
import { createOpenAICompatibleAdapter, type ChatCompletionsClient } from './openai-compatible';

export interface GroqAdapterOptions {
  apiKey: string;
  baseURL: string;
  logLevel: 'off' | 'warn';
  timeoutMs: number;
}

/**
 * Groq through `groq-sdk` (its /openai/v1 paths). json_object rather than json_schema, because
 * only some Groq models take a schema (catalogue J10); validation happens in the core anyway.
 */
export async function createGroqAdapter(options: GroqAdapterOptions): Promise<ProviderAdapter> {
  // The SDK loads with the first adapter, not with the core (factory.ts, lazy-adapter.ts).
  const { default: Groq } = await import('groq-sdk');
  const client = new Groq({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    maxRetries: 0,
    timeout: options.timeoutMs,
    logLevel: options.logLevel,
    fetch: observedFetch,
  });
  return createOpenAICompatibleAdapter({
    provider: 'groq',
    client: client as unknown as ChatCompletionsClient,
    jsonMode: 'json_object',
    maxTokensField: 'max_tokens',
    async listModelIds(signal, observer) {
      const list = await client.models.list({ signal, fetchOptions: observerFetchOptions(observer) });
      return list.data.map((m) => m.id);
    },
    readApiError: (error) => (error instanceof Groq.APIError ? { status: error.status, body: error.error, headers: error.headers } : undefined),
  });
}
