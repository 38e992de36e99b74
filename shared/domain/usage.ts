import { z } from 'zod';
import { errorCodeSchema } from './errors';
import { llmProviderNameSchema } from './llm';

export const operationSchema = z.enum(['chat', 'test', 'sequence', 'classify']);
export type Operation = z.infer<typeof operationSchema>;

/** One model call, as recorded for billing. */
export const usageEventSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  userId: z.string().nullable(),
  operation: operationSchema,
  provider: llmProviderNameSchema,
  model: z.string(),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cachedInputTokens: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
  priceTable: z.string().nullable(),
  latencyMs: z.number().nonnegative(),
  outcome: z.enum(['ok', 'error']),
  errorCode: errorCodeSchema.nullable(),
  requestId: z.string().nullable(),
  createdAt: z.string(),
});
export type UsageEvent = z.infer<typeof usageEventSchema>;

export const usageGroupBySchema = z.enum(['day', 'provider', 'model', 'operation', 'user']);
export type UsageGroupBy = z.infer<typeof usageGroupBySchema>;

export const usageTotalsSchema = z.object({
  calls: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cachedInputTokens: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
});
export type UsageTotals = z.infer<typeof usageTotalsSchema>;

export const usageRowSchema = usageTotalsSchema.extend({ key: z.string() });
export type UsageRow = z.infer<typeof usageRowSchema>;

export const usageSummarySchema = z.object({
  since: z.string().nullable(),
  groupBy: usageGroupBySchema,
  totals: usageTotalsSchema,
  rows: z.array(usageRowSchema),
  /**
   * Whose calls: this desktop's (solo, or a team hub out of reach), the organization's (owners
   * and admins in team mode) or the member's own.
   */
  scope: z.enum(['desktop', 'organization', 'own']).optional(),
  /** Display names for `user` keys (team members by email). */
  labels: z.record(z.string(), z.string()).optional(),
  /** Says what the figures leave out, e.g. when the hub is offline. */
  note: z.string().nullable().optional(),
});
export type UsageSummary = z.infer<typeof usageSummarySchema>;

export const budgetStatusSchema = z.object({
  month: z.string(),
  spentUsd: z.number().nonnegative(),
  budgetUsd: z.number().nonnegative().nullable(),
  exceeded: z.boolean(),
});
export type BudgetStatus = z.infer<typeof budgetStatusSchema>;
