import { z } from 'zod';
import { llmProviderNameSchema, modelInfoSchema, priceTableInfoSchema } from '../domain/llm';
import { keyStatusSchema, llmSettingsPatchSchema, llmSettingsSchema } from '../domain/org';
import { defineChannel } from './envelope';

const providerInfoSchema = z.object({
  name: llmProviderNameSchema,
  displayName: z.string(),
  defaultBaseUrl: z.string().nullable(),
  defaultModel: z.string(),
  /** Whether the provider needs a key at all (`local` does not). */
  keyRequired: z.boolean(),
  envVar: z.string().nullable(),
});

const llmSettingsViewSchema = z.object({
  provider: llmProviderNameSchema,
  settings: llmSettingsSchema,
  hasCustomApiKey: z.partialRecord(llmProviderNameSchema, z.boolean()),
  keys: z.array(keyStatusSchema),
  /** False for members: the screen is read-only. */
  canEdit: z.boolean(),
});
export type LLMSettingsView = z.infer<typeof llmSettingsViewSchema>;

export const settingsChannels = {
  'settings:get-llm': defineChannel(z.object({}).strict().optional(), llmSettingsViewSchema),
  /** Owners and admins only. An empty apiKey removes that provider's key. */
  'settings:update-llm': defineChannel(
    z
      .object({
        provider: llmProviderNameSchema.optional(),
        apiKeys: z.partialRecord(llmProviderNameSchema, z.string().max(500)).optional(),
        /** Hold the given keys in memory for this session only, when no keychain is usable. */
        sessionOnly: z.boolean().optional(),
        settings: llmSettingsPatchSchema.optional(),
      })
      .strict(),
    llmSettingsViewSchema,
  ),
  'llm:providers': defineChannel(z.object({}).strict().optional(), z.array(providerInfoSchema)),
  'llm:models': defineChannel(
    z.object({ provider: llmProviderNameSchema, refresh: z.boolean().optional() }).strict(),
    z.object({ models: z.array(modelInfoSchema), priceTable: priceTableInfoSchema, live: z.boolean() }),
  ),
};
