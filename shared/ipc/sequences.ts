import { z } from 'zod';
import { businessContextSchema, leadContextSchema } from '../domain/lead';
import { llmProviderNameSchema } from '../domain/llm';
import { businessProfileSchema, leadSchema, sequenceSchema, sequenceSummarySchema, templateSchema } from '../domain/records';
import { generatedSequenceSchema, sequenceOptionsSchema, sequenceStatusSchema, sequenceStepSchema } from '../domain/sequence';
import { tokenUsageSchema } from '../domain/llm';
import { defineChannel } from './envelope';
import { requestIdSchema } from './llm';

const id = z.string().min(1).max(100);
const page = { offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(500).default(100) };

/**
 * How a sequence is drafted: the options, and the provider and model when not the organization's.
 * The one definition, for a draft (`draftSourceSchema`), a batch (`jobs:create-generate`) and the
 * params a batch keeps (`generateJobParamsSchema`).
 */
export const draftSettingsShape = {
  options: sequenceOptionsSchema,
  provider: llmProviderNameSchema.optional(),
  model: z.string().min(1).max(200).optional(),
};

/** Where a draft's lead and business come from (a saved record, or typed in), and how it is drafted. */
export const draftSourceSchema = z.object({
  leadId: id.optional(),
  lead: leadContextSchema.optional(),
  businessProfileId: id.optional(),
  business: businessContextSchema.optional(),
  ...draftSettingsShape,
});
/** The input of `sequences:generate` and `sequences:regenerate-step` without their own fields: what the sequence service drafts from. */
export type DraftSource = z.infer<typeof draftSourceSchema>;

export const exportFormatSchema = z.enum(['csv-per-lead', 'csv-per-step', 'json']);
export type ExportFormat = z.infer<typeof exportFormatSchema>;

export const sequenceChannels = {
  /** Drafts a sequence. Text deltas arrive as `llm:stream` events with the same requestId. */
  'sequences:generate': defineChannel(draftSourceSchema.extend({ requestId: requestIdSchema }).strict(), generatedSequenceSchema),
  /** Rewrites one step, keeping the others as context. */
  'sequences:regenerate-step': defineChannel(
    draftSourceSchema
      .extend({ requestId: requestIdSchema, steps: z.array(sequenceStepSchema).min(1).max(10), stepIndex: z.number().int().min(0).max(9) })
      .strict(),
    z.object({ step: sequenceStepSchema, usage: tokenUsageSchema, costUsd: z.number() }),
  ),
  'sequences:save': defineChannel(
    z
      .object({
        id: id.optional(),
        title: z.string().trim().min(1).max(300),
        status: sequenceStatusSchema,
        steps: z.array(sequenceStepSchema).min(1).max(10),
        leadId: id.nullable().optional(),
        businessProfileId: id.nullable().optional(),
        provider: llmProviderNameSchema.nullable().optional(),
        model: z.string().max(200).nullable().optional(),
        usage: tokenUsageSchema.nullable().optional(),
        costUsd: z.number().nonnegative().nullable().optional(),
        options: sequenceOptionsSchema.nullable().optional(),
        edited: z.boolean().optional(),
      })
      .strict(),
    sequenceSchema,
  ),
  'sequences:list': defineChannel(
    z.object({ query: z.string().max(200).optional(), status: sequenceStatusSchema.optional(), ...page }).strict(),
    z.object({ items: z.array(sequenceSummarySchema), total: z.number().int() }),
  ),
  'sequences:get': defineChannel(z.object({ id }).strict(), sequenceSchema),
  'sequences:delete': defineChannel(z.object({ id }).strict(), z.object({ deleted: z.boolean() })),
  /** Renders sequences as a file for download. Placeholders are kept, or filled from each lead. */
  'sequences:export': defineChannel(
    z.object({ ids: z.array(id).min(1).max(100_000), format: exportFormatSchema, fillPlaceholders: z.boolean().default(false) }).strict(),
    z.object({ filename: z.string(), mimeType: z.string(), content: z.string() }),
  ),

  'templates:list': defineChannel(z.object({}).strict().optional(), z.array(templateSchema)),
  'templates:save': defineChannel(
    z
      .object({
        id: id.optional(),
        name: z.string().trim().min(1).max(200),
        steps: z.array(sequenceStepSchema).min(1).max(10),
        options: sequenceOptionsSchema.nullable().optional(),
      })
      .strict(),
    templateSchema,
  ),
  'templates:delete': defineChannel(z.object({ id }).strict(), z.object({ deleted: z.boolean() })),

  'profiles:list': defineChannel(z.object({}).strict().optional(), z.array(businessProfileSchema)),
  'profiles:save': defineChannel(businessContextSchema.extend({ id: id.optional() }).strict(), businessProfileSchema),
  'profiles:delete': defineChannel(z.object({ id }).strict(), z.object({ deleted: z.boolean() })),

  'leads:list': defineChannel(
    z.object({ query: z.string().max(200).optional(), ...page }).strict(),
    z.object({ items: z.array(leadSchema), total: z.number().int() }),
  ),
  'leads:save': defineChannel(leadContextSchema.extend({ id: id.optional() }).strict(), leadSchema),
  'leads:delete': defineChannel(z.object({ id }).strict(), z.object({ deleted: z.boolean() })),
};
