/**
 * The provider core: one interface over Anthropic, OpenAI, Gemini, DeepSeek, Groq and local
 * OpenAI-compatible servers. Read README.md for the retry, deadline and prompt-caching rules.
 */
export { createProviderClientPool, getLLMProvider, type ProviderClientPool } from './factory';
export type {
  CallOptions,
  ClassifyResult,
  LLMProvider,
  ProviderClientOptions,
  ProviderInfo,
  ProviderRateLimits,
  RateLimitInfo,
  RegeneratedStep,
  RetryPolicy,
  SequenceCallOptions,
} from './types';
export { LLMError, isRetryableCode, providerLabel, type LLMErrorCode, type LLMErrorOptions } from './errors';
export { PROVIDERS, type ProviderSpec } from './registry';
export { MODEL_CATALOG, PRICE_TABLE, computeCost, findModel, getCatalog } from './catalog';
export { mergeModelLists } from './provider-core';
export {
  buildClassificationMessages,
  buildRegenerateStepMessages,
  buildSequenceMessages,
  sanitizeUntrustedText,
  MAX_REPLY_CHARS,
  SEQUENCE_SPEC_MARKER,
  type PromptMessage,
} from './prompts';
export {
  extractJson,
  parseStructured,
  validateClassification,
  validateRegeneratedStep,
  validateSequence,
  type ParseResult,
} from './structured';
export { DEFAULT_DEADLINE_MS, DEFAULT_RETRY_POLICY, computeRetryDelay, resolveRetryPolicy } from './retry';
export { parseGoDuration, parseRateLimitHeaders, parseRetryAfter } from './rate-limit';
