import type { LLMProviderName } from '../../../../shared/domain/llm';
import type { ProviderAdapter } from '../adapter';
import { observedFetch, observerFetchOptions } from '../http-observer';
import { createOpenAICompatibleAdapter, type ChatCompletionsClient } from './openai-compatible';

export interface OpenAIAdapterOptions {
  provider: Extract<LLMProviderName, 'openai' | 'deepseek' | 'local'>;
  apiKey: string;
  baseURL: string;
  logLevel: 'off' | 'warn';
  timeoutMs: number;
}

/**
 * OpenAI, DeepSeek and local OpenAI-compatible servers through the `openai` SDK. Only OpenAI
 * itself gets strict json_schema; DeepSeek and local servers get json_object (the prompt says JSON).
 */
export async function createOpenAIAdapter(options: OpenAIAdapterOptions): Promise<ProviderAdapter> {
  // The SDK loads with the first adapter, not with the core (factory.ts, lazy-adapter.ts).
  const { default: OpenAI } = await import('openai');
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    organization: null,
    project: null,
    maxRetries: 0,
    timeout: options.timeoutMs,
    logLevel: options.logLevel,
    fetch: observedFetch,
  });
  return createOpenAICompatibleAdapter({
    provider: options.provider,
    client: client as unknown as ChatCompletionsClient,
    jsonMode: options.provider === 'openai' ? 'json_schema' : 'json_object',
    maxTokensField: options.provider === 'openai' ? 'max_completion_tokens' : 'max_tokens',
    async listModelIds(signal, observer) {
      const ids: string[] = [];
      for await (const model of client.models.list({ signal, fetchOptions: observerFetchOptions(observer) })) ids.push(model.id);
      return ids;
    },
    readApiError: (error) =>
      error instanceof OpenAI.APIError ? { status: error.status, body: error.error, headers: error.headers, requestId: error.requestID } : undefined,
  });
}
