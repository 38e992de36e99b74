import { z } from 'zod';

/** The providers the core speaks to. `local` is any OpenAI-compatible server (Ollama, LM Studio). */
export const llmProviderNameSchema = z.enum(['anthropic', 'openai', 'gemini', 'deepseek', 'groq', 'local']);
export type LLMProviderName = z.infer<typeof llmProviderNameSchema>;
export const LLM_PROVIDER_NAMES = llmProviderNameSchema.options;

/** A record with one value per provider, each computed from the provider's name. */
export function byProvider<T>(valueFor: (provider: LLMProviderName) => T): Record<LLMProviderName, T> {
  return Object.fromEntries(LLM_PROVIDER_NAMES.map((provider) => [provider, valueFor(provider)])) as Record<LLMProviderName, T>;
}

/** Each provider's name as people read it: in Settings, in error messages, in the CLI. */
export const PROVIDER_DISPLAY_NAMES: Readonly<Record<LLMProviderName, string>> = {
  anthropic: 'Anthropic',
  openai: 'OpenAI',
  gemini: 'Gemini',
  deepseek: 'DeepSeek',
  groq: 'Groq',
  local: 'Local server',
};

export const llmMessageSchema = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
});
export type LLMMessage = z.infer<typeof llmMessageSchema>;

/** Why the model stopped, normalized across vendors. */
export const finishReasonSchema = z.enum(['stop', 'length', 'content_filter', 'refusal', 'tool_calls', 'error', 'other']);
export type FinishReason = z.infer<typeof finishReasonSchema>;

export const tokenUsageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  /** Input tokens served from the vendor's prompt cache, where the vendor reports them. */
  cachedInputTokens: z.number().int().nonnegative().default(0),
});
export type TokenUsage = z.infer<typeof tokenUsageSchema>;

export const costSchema = z.object({
  usd: z.number().nonnegative(),
  /** Which price table applied, e.g. "catalog-2026-11-01". `null` when the model is not in the catalog. */
  priceTable: z.string().nullable(),
});
export type Cost = z.infer<typeof costSchema>;

export const llmResponseSchema = z.object({
  content: z.string(),
  usage: tokenUsageSchema,
  /** The model that actually answered, as the vendor named it. */
  model: z.string(),
  finishReason: finishReasonSchema,
  latencyMs: z.number().nonnegative(),
  requestId: z.string().nullable(),
  cost: costSchema,
});
export type LLMResponse = z.infer<typeof llmResponseSchema>;

/** A piece of text as the model writes it. */
export const textDeltaPartSchema = z.object({ type: z.literal('text-delta'), text: z.string() });

/** A part of a streamed answer. The last part is always `finish`. */
export const streamPartSchema = z.discriminatedUnion('type', [
  textDeltaPartSchema,
  z.object({
    type: z.literal('finish'),
    usage: tokenUsageSchema,
    finishReason: finishReasonSchema,
    model: z.string(),
    latencyMs: z.number().nonnegative(),
    requestId: z.string().nullable(),
    cost: costSchema,
  }),
]);
export type StreamPart = z.infer<typeof streamPartSchema>;

/** Per-call settings. Keys are never part of this. */
export const llmCallConfigSchema = z.object({
  model: z.string().min(1).max(200).optional(),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().min(1).max(64000).optional(),
});
export type LLMCallConfig = z.infer<typeof llmCallConfigSchema>;

/** One row of the model catalog. Prices are USD per million tokens. */
export const modelInfoSchema = z.object({
  id: z.string(),
  provider: llmProviderNameSchema,
  displayName: z.string(),
  contextWindow: z.number().int().positive().nullable(),
  inputPerMTok: z.number().nonnegative().nullable(),
  outputPerMTok: z.number().nonnegative().nullable(),
  cachedInputPerMTok: z.number().nonnegative().nullable(),
  fast: z.boolean(),
  deprecated: z.boolean(),
  /** Set by listModels: the vendor lists it but the catalog does not know it. */
  unknownToCatalog: z.boolean().default(false),
  /** Set by listModels: the catalog has it but the vendor no longer lists it. */
  missingFromVendor: z.boolean().default(false),
});
export type ModelInfo = z.infer<typeof modelInfoSchema>;

export const priceTableInfoSchema = z.object({
  version: z.string(),
  pricesAsOf: z.string(),
  source: z.string(),
});
export type PriceTableInfo = z.infer<typeof priceTableInfoSchema>;
