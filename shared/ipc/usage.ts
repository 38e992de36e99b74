import { z } from 'zod';
import { budgetStatusSchema, usageGroupBySchema, usageSummarySchema } from '../domain/usage';
import { defineChannel } from './envelope';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'must be a date like 2026-11-01');

export const usageChannels = {
  'usage:summary': defineChannel(
    z.object({ since: isoDate.optional(), until: isoDate.optional(), groupBy: usageGroupBySchema.default('day') }).strict(),
    usageSummarySchema,
  ),
  /** Tokens and cost per day, one series per provider or model, for the chart. */
  'usage:timeseries': defineChannel(
    z.object({ since: isoDate.optional(), by: z.enum(['provider', 'model']).default('provider') }).strict(),
    z.object({
      days: z.array(z.string()),
      series: z.array(z.object({ key: z.string(), tokens: z.array(z.number()), costUsd: z.array(z.number()) })),
    }),
  ),
  'usage:budget': defineChannel(z.object({}).strict().optional(), budgetStatusSchema),
  'usage:export-csv': defineChannel(
    z.object({ since: isoDate.optional(), until: isoDate.optional() }).strict(),
    z.object({ filename: z.string(), mimeType: z.string(), content: z.string() }),
  ),
};
