import { PROVIDER_DISPLAY_NAMES, type LLMProviderName } from '../../../shared/domain/llm';
import type { AdapterConfig, ProviderAdapter } from './adapter';
import { createAnthropicAdapter } from './providers/anthropic';
import { createGeminiAdapter } from './providers/gemini';
import { createGroqAdapter } from './providers/groq';
import { createOpenAIAdapter } from './providers/openai';
import type { ProviderInfo, ProviderRateLimits } from './types';

/** Everything the core knows about one provider, in one entry. */
export interface ProviderSpec extends ProviderInfo {
  /**
   * Builds the provider's adapter from its explicit configuration. The vendor file imports its
   * SDK when this runs, not when the core loads (see lazy-adapter.ts).
   */
  createAdapter(config: AdapterConfig): Promise<ProviderAdapter>;
  /**
   * The budgets the job scheduler starts from: the entry paid tier's published limits for the
   * default model, rounded down, so a new account is not rate-limited out of the box. They hold
   * only until the first answer: the limiter then adopts the limits the vendor declares for the
   * account (`x-ratelimit-limit-*`, `anthropic-ratelimit-*-limit`), up or down.
   */
  rateLimits: ProviderRateLimits;
}

/**
 * The provider registry: each provider's facts, its adapter and its starting rate limits. Adding a
 * provider means an entry here plus its own files (see README.md, "Adding a channel or a provider");
 * `test/architecture/registries.test.ts` checks that nothing is half-registered.
 *
 * `envVar` is what our config layer reads as a default key; the SDKs themselves never read the
 * environment (see README.md).
 */
export const PROVIDERS: Readonly<Record<LLMProviderName, ProviderSpec>> = {
  anthropic: {
    displayName: PROVIDER_DISPLAY_NAMES.anthropic,
    defaultBaseUrl: 'https://api.anthropic.com',
    defaultModel: 'claude-sonnet-5-5',
    envVar: 'ANTHROPIC_API_KEY',
    keyRequired: true,
    createAdapter: (config) => createAnthropicAdapter(config),
    rateLimits: { requestsPerMinute: 50, tokensPerMinute: 40_000 },
  },
  openai: {
    displayName: PROVIDER_DISPLAY_NAMES.openai,
    defaultBaseUrl: 'https://api.openai.com/v1',
    defaultModel: 'gpt-6.1-sol',
    envVar: 'OPENAI_API_KEY',
    keyRequired: true,
    createAdapter: (config) => createOpenAIAdapter({ ...config, provider: 'openai' }),
    rateLimits: { requestsPerMinute: 500, tokensPerMinute: 200_000 },
  },
  gemini: {
    displayName: PROVIDER_DISPLAY_NAMES.gemini,
    defaultBaseUrl: 'https://generativelanguage.googleapis.com',
    defaultModel: 'gemini-3.8-flash',
    envVar: 'GOOGLE_AI_API_KEY',
    keyRequired: true,
    // The Gemini client has no timeout of its own: the core's deadline reaches each attempt's fetch.
    createAdapter: ({ apiKey, baseURL }) => createGeminiAdapter({ apiKey, baseURL }),
    rateLimits: { requestsPerMinute: 150, tokensPerMinute: 1_000_000 },
  },
  deepseek: {
    displayName: PROVIDER_DISPLAY_NAMES.deepseek,
    defaultBaseUrl: 'https://api.deepseek.com',
    defaultModel: 'deepseek-v4-flash',
    envVar: 'DEEPSEEK_API_KEY',
    keyRequired: true,
    createAdapter: (config) => createOpenAIAdapter({ ...config, provider: 'deepseek' }),
    rateLimits: { requestsPerMinute: 300, tokensPerMinute: null },
  },
  groq: {
    displayName: PROVIDER_DISPLAY_NAMES.groq,
    defaultBaseUrl: 'https://api.groq.com',
    defaultModel: 'llama-3.3-70b-versatile',
    envVar: 'GROQ_API_KEY',
    keyRequired: true,
    createAdapter: (config) => createGroqAdapter(config),
    rateLimits: { requestsPerMinute: 30, tokensPerMinute: 6_000 },
  },
  local: {
    displayName: PROVIDER_DISPLAY_NAMES.local,
    defaultBaseUrl: 'http://127.0.0.1:11434/v1',
    defaultModel: 'llama3.2',
    envVar: null,
    keyRequired: false,
    createAdapter: (config) => createOpenAIAdapter({ ...config, provider: 'local' }),
    // A local server is bounded by its hardware; the runner's concurrency is what protects it.
    rateLimits: { requestsPerMinute: 6_000, tokensPerMinute: null },
  },
};
