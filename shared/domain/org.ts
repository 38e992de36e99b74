import { z } from 'zod';
import { llmProviderNameSchema } from './llm';

export const roleSchema = z.enum(['owner', 'admin', 'member']);
export type Role = z.infer<typeof roleSchema>;

/** Roles that may change settings, keys, users and profiles. */
export const MANAGER_ROLES: readonly Role[] = ['owner', 'admin'];

const providerMap = <T extends z.ZodType>(value: T) => z.partialRecord(llmProviderNameSchema, value);

/** A base URL: http(s), a host, an optional port and path, no credentials. Plain regex: shared/ has no URL global. */
export const baseUrlSchema = z
  .string()
  .max(500)
  .regex(
    /^https?:\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?(\/[^\s@]*)?$/,
    'must be an http(s) URL without credentials, e.g. http://127.0.0.1:11434/v1',
  );

/** The highest maxTokens setting. */
export const MAX_TOKENS_LIMIT = 16000;

/** The bounds of a provider's timeout setting, in seconds. */
export const MIN_TIMEOUT_SECONDS = 5;
export const MAX_TIMEOUT_SECONDS = 900;
/** A call's timeout when its provider has none set; the connection test's is shorter. */
export const DEFAULT_TIMEOUT_SECONDS = 120;
export const CONNECTION_TEST_TIMEOUT_SECONDS = 15;

const llmSettingsFields = {
  /** Default model per provider; missing means the catalog's default. */
  models: providerMap(z.string().min(1).max(200)),
  temperature: z.number().min(0).max(2),
  maxTokens: z.number().int().min(64).max(MAX_TOKENS_LIMIT),
  baseUrls: providerMap(baseUrlSchema),
  /**
   * How long one call to a provider may take, in seconds, every retry included; missing means the
   * default (120 s, 15 s for a connection test). Slow local models need more.
   */
  timeouts: providerMap(z.number().int().min(MIN_TIMEOUT_SECONDS).max(MAX_TIMEOUT_SECONDS)),
  /** Providers to try, in order, when the default one stays unavailable. */
  fallbackOrder: z.array(llmProviderNameSchema).max(6),
  /** Monthly budget in USD; null means no budget. */
  monthlyBudgetUsd: z.number().nonnegative().max(1_000_000).nullable(),
};

/** An organization's LLM settings. */
export const llmSettingsSchema = z.object({
  models: llmSettingsFields.models.default({}),
  temperature: llmSettingsFields.temperature.default(0.7),
  maxTokens: llmSettingsFields.maxTokens.default(2048),
  baseUrls: llmSettingsFields.baseUrls.default({}),
  timeouts: llmSettingsFields.timeouts.default({}),
  fallbackOrder: llmSettingsFields.fallbackOrder.default([]),
  monthlyBudgetUsd: llmSettingsFields.monthlyBudgetUsd.default(null),
});

/**
 * A change to some of the settings. No defaults here: zod 4 applies a field's default even when
 * the field is optional, which would reset every setting the change does not mention.
 */
export const llmSettingsPatchSchema = z
  .object({
    models: llmSettingsFields.models.optional(),
    temperature: llmSettingsFields.temperature.optional(),
    maxTokens: llmSettingsFields.maxTokens.optional(),
    baseUrls: llmSettingsFields.baseUrls.optional(),
    timeouts: llmSettingsFields.timeouts.optional(),
    fallbackOrder: llmSettingsFields.fallbackOrder.optional(),
    monthlyBudgetUsd: llmSettingsFields.monthlyBudgetUsd.optional(),
  })
  .strict();
export type LLMSettingsPatch = z.infer<typeof llmSettingsPatchSchema>;
export type LLMSettings = z.infer<typeof llmSettingsSchema>;

export const organizationSchema = z.object({
  id: z.string(),
  name: z.string().min(1).max(200),
  provider: llmProviderNameSchema,
  settings: llmSettingsSchema,
  createdAt: z.string(),
});
export type Organization = z.infer<typeof organizationSchema>;

export const userSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  name: z.string().min(1).max(200),
  role: roleSchema,
  createdAt: z.string(),
});
export type User = z.infer<typeof userSchema>;

/** What the renderer may know about a key: never the key. */
export const keyStatusSchema = z.object({
  provider: llmProviderNameSchema,
  /** Where the key that applies comes from; `organization`: shared by an admin through the team hub. */
  source: z.enum(['organization', 'keychain', 'session', 'environment', 'none']),
  /** The end of the org's own key for "ends in …abcd": at most four characters, fewer for a short key. */
  last4: z.string().max(4).nullable(),
});
export type KeyStatus = z.infer<typeof keyStatusSchema>;
