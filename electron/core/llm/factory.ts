import { createHash } from 'node:crypto';
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

/** How many SDK clients a pool keeps: a few providers, keys and timeouts per organization. */
const DEFAULT_POOL_SIZE = 16;

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

/**
 * Builds a provider over a new SDK client (tests, the bench, one-off calls). The SDKs' own retries
 * are off: the core has the one retry layer. The app goes through a `ProviderClientPool`, which
 * reuses clients.
 */
export function getLLMProvider(name: LLMProviderName, options: ProviderClientOptions = {}): LLMProvider {
  return buildProvider(name, buildAdapter(name, resolveAdapterConfig(name, options)), options);
}

/**
 * SDK clients kept for reuse, one per provider, key, base URL and SDK timeout, the least recently
 * used dropped beyond `maxClients`. A provider from `get` is cheap (the call defaults: model,
 * temperature, deadline, retries); the client under it is what is built once.
 */
export interface ProviderClientPool {
  /** A provider over the pooled client for these options (built on first use). Throws `no_key` like getLLMProvider. */
  get(name: LLMProviderName, options?: ProviderClientOptions): LLMProvider;
  /** Drops the clients of one provider (a key was refused), or every client (keys or settings changed). */
  drop(name?: LLMProviderName): void;
  /** How many clients are kept. */
  readonly size: number;
}

export function createProviderClientPool(options: { maxClients?: number } = {}): ProviderClientPool {
  const maxClients = options.maxClients ?? DEFAULT_POOL_SIZE;
  const clients = new Map<string, { name: LLMProviderName; adapter: ProviderAdapter }>();

  return {
    get(name, providerOptions = {}) {
      const config = resolveAdapterConfig(name, providerOptions);
      // The key is kept as a hash: the pool's index never holds a key in plain text.
      const keyHash = createHash('sha256').update(config.apiKey).digest('base64url');
      const id = JSON.stringify([name, keyHash, config.baseURL, config.timeoutMs]);
      let entry = clients.get(id);
      if (entry) {
        // Most recently used last: Map keeps insertion order.
        clients.delete(id);
      } else {
        entry = { name, adapter: buildAdapter(name, config) };
      }
      clients.set(id, entry);
      for (const oldest of clients.keys()) {
        if (clients.size <= maxClients) break;
        clients.delete(oldest);
      }
      return buildProvider(name, entry.adapter, providerOptions);
    },
    drop(name) {
      for (const [id, entry] of clients) if (name === undefined || entry.name === name) clients.delete(id);
    },
    get size() {
      return clients.size;
    },
  };
}
