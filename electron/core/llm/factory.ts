import type { LLMProviderName } from '../../../shared/domain/llm';
import { registerSecret } from '../log';
import type { ProviderAdapter } from './adapter';
import { createLLMError } from './errors';
import { createLazyAdapter } from './lazy-adapter';
import { createAnthropicAdapter } from './providers/anthropic';
import { createGeminiAdapter } from './providers/gemini';
import { createGroqAdapter } from './providers/groq';
import { createOpenAIAdapter } from './providers/openai';
import { PROVIDERS } from './providers-info';
import { ProviderCore } from './provider-core';
import { DEFAULT_DEADLINE_MS } from './retry';
import type { LLMProvider, ProviderClientOptions } from './types';

const SDK_TIMEOUT_FLOOR_MS = 600_000;

/** Sent to local servers that need no key; the SDK insists on one. */
const LOCAL_PLACEHOLDER_KEY = 'local';

/**
 * Builds a provider. The key, base URL and log level always go to the SDK explicitly, so a
 * user's shell (`OPENAI_BASE_URL`, `*_API_KEY`, `*_LOG`) can never redirect traffic or keys;
 * the SDKs' own retries are off (the core has the one retry layer). Throws `no_key` when a
 * provider that needs a key has none.
 */
export function getLLMProvider(name: LLMProviderName, options: ProviderClientOptions = {}): LLMProvider {
  const info = PROVIDERS[name];
  if (!info) throw createLLMError('invalid_request', 'openai', { detail: `unknown provider "${String(name)}"` });
  const apiKey = options.apiKey?.trim() || undefined;
  if (info.keyRequired && !apiKey) throw createLLMError('no_key', name, { envVar: info.envVar });
  if (apiKey) registerSecret(apiKey);
  const baseURL = (options.baseURL?.trim() || info.defaultBaseUrl || '').replace(/\/+$/, '');
  // The SDK timeout is only a backstop (it stops at the headers); the core's deadline is the
  // real bound. An explicit value also keeps Anthropic from refusing large non-streaming calls.
  const timeoutMs = Math.max(options.deadlineMs ?? DEFAULT_DEADLINE_MS, SDK_TIMEOUT_FLOOR_MS);
  const logLevel = 'off' as const;
  // Each vendor SDK is imported when its provider is first built (each create…Adapter imports its
  // own SDK): see lazy-adapter.ts.
  let load: () => Promise<ProviderAdapter>;
  switch (name) {
    case 'anthropic':
      load = () => createAnthropicAdapter({ apiKey: apiKey!, baseURL, logLevel, timeoutMs });
      break;
    case 'gemini':
      load = () => createGeminiAdapter({ apiKey: apiKey!, baseURL });
      break;
    case 'groq':
      load = () => createGroqAdapter({ apiKey: apiKey!, baseURL, logLevel, timeoutMs });
      break;
    case 'openai':
    case 'deepseek':
    case 'local':
      load = () => createOpenAIAdapter({ provider: name, apiKey: apiKey ?? LOCAL_PLACEHOLDER_KEY, baseURL, logLevel, timeoutMs });
      break;
  }
  const adapter = createLazyAdapter(name, baseURL, load);
  return new ProviderCore(adapter, { ...options, defaultModel: options.defaultModel?.trim() || info.defaultModel });
}
