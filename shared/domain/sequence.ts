import { z } from 'zod';
import { costSchema, llmProviderNameSchema, tokenUsageSchema } from './llm';

export const channelSchema = z.enum(['email', 'whatsapp', 'sms']);
export type Channel = z.infer<typeof channelSchema>;

export const MAX_STEPS = 10;

export const sequenceStepSchema = z.object({
  step: z.number().int().min(1).max(MAX_STEPS),
  delay_days: z.number().int().min(0).max(365),
  channel: channelSchema,
  /** Email only. */
  subject: z.string().max(300).optional(),
  body: z.string().min(1).max(10000),
});
export type SequenceStep = z.infer<typeof sequenceStepSchema>;

export const sequenceOptionsSchema = z.object({
  numberOfSteps: z.number().int().min(1).max(MAX_STEPS),
  channels: z.array(channelSchema).min(1).max(3),
  /** Delay in days before each step; index 0 is the first step. */
  delayDays: z.array(z.number().int().min(0).max(365)).max(MAX_STEPS).optional(),
  includeSubjects: z.boolean().optional(),
  language: z.string().max(50).optional(),
  templateId: z.string().max(100).optional(),
});
export type SequenceOptions = z.infer<typeof sequenceOptionsSchema>;

export const DEFAULT_DELAYS = [0, 3, 5, 7, 10, 14, 21, 28, 35, 42];

/** The delays a sequence must follow: the requested ones, else the defaults. */
export function resolveDelays(options: Pick<SequenceOptions, 'numberOfSteps' | 'delayDays'>): number[] {
  const requested = options.delayDays ?? [];
  return Array.from({ length: options.numberOfSteps }, (_, i) => requested[i] ?? DEFAULT_DELAYS[i] ?? DEFAULT_DELAYS.at(-1)!);
}

export const generatedSequenceSchema = z.object({
  steps: z.array(sequenceStepSchema).min(1).max(MAX_STEPS),
  usage: tokenUsageSchema,
  cost: costSchema,
  provider: llmProviderNameSchema,
  model: z.string(),
  latencyMs: z.number().nonnegative(),
});
export type GeneratedSequence = z.infer<typeof generatedSequenceSchema>;

export const sequenceStatusSchema = z.enum(['draft', 'approved', 'archived']);
export type SequenceStatus = z.infer<typeof sequenceStatusSchema>;
