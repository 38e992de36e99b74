import { z } from 'zod';
import { costSchema, llmProviderNameSchema, tokenUsageSchema } from './llm';

/** What the app needs to know about a channel a sequence step can go out on. */
export interface ChannelSpec {
  /** The channel's name as people read it: in the step editor, the draft and batch forms, exports. */
  label: string;
  /** Steps on this channel carry a subject line (when the sequence asks for subjects). */
  hasSubject: boolean;
}

/**
 * The channel registry: every channel a step can use, in the order forms list them. Adding a
 * channel means an entry here plus a migration that lets `sequence_steps.channel` hold it (see
 * electron/core/llm/README.md, "Adding a channel or a provider");
 * test/architecture/registries.test.ts checks that nothing is half-registered.
 */
export const CHANNEL_SPECS = {
  email: { label: 'Email', hasSubject: true },
  whatsapp: { label: 'WhatsApp', hasSubject: false },
  sms: { label: 'SMS', hasSubject: false },
} as const satisfies Record<string, ChannelSpec>;

type ChannelName = keyof typeof CHANNEL_SPECS;

export const channelSchema = z.enum(Object.keys(CHANNEL_SPECS) as [ChannelName, ...ChannelName[]]);
export type Channel = z.infer<typeof channelSchema>;
/** Every channel, in the registry's order. */
export const CHANNELS: readonly Channel[] = channelSchema.options;

/** Whether a sequence on these channels can have subjects at all (one of them has subject lines). */
export function channelsTakeSubjects(channels: readonly Channel[]): boolean {
  return channels.some((c) => CHANNEL_SPECS[c].hasSubject);
}

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

const LAST_DEFAULT_DELAY = 42;
export const DEFAULT_DELAYS = [0, 3, 5, 7, 10, 14, 21, 28, 35, LAST_DEFAULT_DELAY];

/** The delay of step `index + 1`: the requested one, else the default, else the last default. */
export function resolveDelay(options: Pick<SequenceOptions, 'delayDays'>, index: number): number {
  return options.delayDays?.[index] ?? DEFAULT_DELAYS[index] ?? LAST_DEFAULT_DELAY;
}

/** The delays a sequence must follow: the requested ones, else the defaults. */
export function resolveDelays(options: Pick<SequenceOptions, 'numberOfSteps' | 'delayDays'>): number[] {
  return Array.from({ length: options.numberOfSteps }, (_, i) => resolveDelay(options, i));
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
