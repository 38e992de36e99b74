import type { LLMProviderName } from '../../../shared/domain/llm';
import { registerSecret } from '../log';
import type { AdapterConfig, ProviderAdapter } from './adapter';
import { createLLMError } from './errors';
import { createLazyAdapter } from './lazy-adapter';
import { ProviderCore } from './provider-core';
import { PROVIDERS } from './registry';
import { DEFAULT_DEADLINE_MS } from './retry';
import type { LLMProvider, ProviderClientOptions } from './types';

const SDK_TIMEOUT_FLOOR_MS = 600_000;

/** Sent to servers that need no key (`keyRequired: false`); the SDKs insist on one. */
const KEYLESS_PLACEHOLDER = 'local';

/**
 * The explicit configuration of a provider's SDK client. The key, base URL and log level always go
 * to the SDK, so a user's shell (`OPENAI_BASE_URL`, `*_API_KEY`, `*_LOG`) can never redirect traffic
 * or keys. Throws `no_key` when a provider that needs a key has none.
 */
function resolveAdapterConfig(name: LLMProviderName, options: ProviderClientOptions): AdapterConfig {
  const spec = PROVIDERS[name];
  if (!spec) throw createLLMError('invalid_request', 'openai', { detail: `unknown provider "${String(name)}"` });
  const apiKey = options.apiKey?.trim() || undefined;
  if (spec.keyRequired && !apiKey) throw createLLMError('no_key', name, { envVar: spec.envVar });
  if (apiKey) registerSecret(apiKey);
  return {
    apiKey: apiKey ?? KEYLESS_PLACEHOLDER,
    baseURL: (options.baseURL?.trim() || spec.defaultBaseUrl || '').replace(/\/+$/, ''),
    logLevel: 'off',
    // The SDK timeout is only a backstop (it stops at the headers); the core's deadline is the
    // real bound. An explicit value also keeps Anthropic from refusing large non-streaming calls.
    timeoutMs: Math.max(options.deadlineMs ?? DEFAULT_DEADLINE_MS, SDK_TIMEOUT_FLOOR_MS),
  };
}

/** The adapter over a new SDK client; the vendor's SDK is imported on first use (lazy-adapter.ts). */
function buildAdapter(name: LLMProviderName, config: AdapterConfig): ProviderAdapter {
  return createLazyAdapter(name, config.baseURL, () => PROVIDERS[name].createAdapter(config));
}

/** The provider-neutral core over an adapter, with the call defaults of these options. */
function buildProvider(name: LLMProviderName, adapter: ProviderAdapter, options: ProviderClientOptions): LLMProvider {
  return new ProviderCore(adapter, { ...options, defaultModel: options.defaultModel?.trim() || PROVIDERS[name].defaultModel });
}

/** Builds a provider over a new SDK client. The SDKs' own retries are off: the core has the one retry layer. */
export function getLLMProvider(name: LLMProviderName, options: ProviderClientOptions = {}): LLMProvider {
  return buildProvider(name, buildAdapter(name, resolveAdapterConfig(name, options)), options);
}
