import { PROVIDER_DISPLAY_NAMES, type LLMProviderName } from '../../../shared/domain/llm';
import type { ProviderInfo } from './types';

/**
 * Static facts about each provider. `envVar` is what our config layer reads as a default key;
 * the SDKs themselves never read the environment (see README.md).
 */
export const PROVIDERS: Record<LLMProviderName, ProviderInfo> = {
  anthropic: {
    displayName: PROVIDER_DISPLAY_NAMES.anthropic,
    defaultBaseUrl: 'https://api.anthropic.com',
    defaultModel: 'claude-sonnet-5-5',
    envVar: 'ANTHROPIC_API_KEY',
    keyRequired: true,
  },
  openai: {
    displayName: PROVIDER_DISPLAY_NAMES.openai,
    defaultBaseUrl: 'https://api.openai.com/v1',
    defaultModel: 'gpt-6.1-sol',
    envVar: 'OPENAI_API_KEY',
    keyRequired: true,
  },
  gemini: {
    displayName: PROVIDER_DISPLAY_NAMES.gemini,
    defaultBaseUrl: 'https://generativelanguage.googleapis.com',
    defaultModel: 'gemini-3.8-flash',
    envVar: 'GOOGLE_AI_API_KEY',
    keyRequired: true,
  },
  deepseek: {
    displayName: PROVIDER_DISPLAY_NAMES.deepseek,
    defaultBaseUrl: 'https://api.deepseek.com',
    defaultModel: 'deepseek-v4-flash',
    envVar: 'DEEPSEEK_API_KEY',
    keyRequired: true,
  },
  groq: {
    displayName: PROVIDER_DISPLAY_NAMES.groq,
    defaultBaseUrl: 'https://api.groq.com',
    defaultModel: 'llama-3.3-70b-versatile',
    envVar: 'GROQ_API_KEY',
    keyRequired: true,
  },
  local: {
    displayName: PROVIDER_DISPLAY_NAMES.local,
    defaultBaseUrl: 'http://127.0.0.1:11434/v1',
    defaultModel: 'llama3.2',
    envVar: null,
    keyRequired: false,
  },
};
