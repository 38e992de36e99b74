import { z } from 'zod';
import { appErrorDataSchema } from './errors';
import { businessContextSchema, leadContextSchema } from './lead';
import { llmProviderNameSchema, tokenUsageSchema } from './llm';
import { decidedBySchema, replyClassificationSchema } from './reply';
import { sequenceOptionsSchema, sequenceStatusSchema, sequenceStepSchema } from './sequence';

/** Stored rows, as the repositories return them. */

export const businessProfileSchema = businessContextSchema.extend({
  id: z.string(),
  orgId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type BusinessProfile = z.infer<typeof businessProfileSchema>;

export const leadSchema = leadContextSchema.extend({
  // A lead stored before LEAD_LIMITS may hold more custom fields than an input may: it still lists.
  customFields: z.record(z.string(), z.string()).optional(),
  id: z.string(),
  orgId: z.string(),
  createdAt: z.string(),
});
export type Lead = z.infer<typeof leadSchema>;

export const sequenceSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  leadId: z.string().nullable(),
  businessProfileId: z.string().nullable(),
  title: z.string().max(300),
  status: sequenceStatusSchema,
  provider: llmProviderNameSchema.nullable(),
  model: z.string().nullable(),
  usage: tokenUsageSchema.nullable(),
  costUsd: z.number().nonnegative().nullable(),
  options: sequenceOptionsSchema.nullable(),
  steps: z.array(sequenceStepSchema),
  /** True once a user changed the generated text. */
  edited: z.boolean(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Sequence = z.infer<typeof sequenceSchema>;

/** A sequence row in a list: no step bodies. */
export const sequenceSummarySchema = sequenceSchema
  .pick({ id: true, title: true, status: true, provider: true, model: true, createdAt: true, updatedAt: true, leadId: true })
  .extend({ stepCount: z.number().int(), leadName: z.string().nullable() });
export type SequenceSummary = z.infer<typeof sequenceSummarySchema>;

export const templateSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  name: z.string().min(1).max(200),
  steps: z.array(sequenceStepSchema),
  options: sequenceOptionsSchema.nullable(),
  createdAt: z.string(),
});
export type Template = z.infer<typeof templateSchema>;

export const replySchema = z.object({
  id: z.string(),
  orgId: z.string(),
  leadId: z.string().nullable(),
  sequenceId: z.string().nullable(),
  fromAddress: z.string().nullable(),
  subject: z.string().nullable(),
  rawText: z.string(),
  parsedText: z.string(),
  classification: replyClassificationSchema.shape.classification.nullable(),
  confidence: z.number().min(0).max(1).nullable(),
  reason: z.string().nullable(),
  suggestedAction: replyClassificationSchema.shape.suggestedAction.nullable(),
  decidedBy: decidedBySchema,
  /** For out-of-office replies: the return date the rules found, ISO date. */
  returnDate: z.string().nullable(),
  provider: llmProviderNameSchema.nullable(),
  model: z.string().nullable(),
  createdAt: z.string(),
});
export type Reply = z.infer<typeof replySchema>;

export const jobKindSchema = z.enum(['generate', 'classify']);
export const jobStatusSchema = z.enum(['queued', 'running', 'paused', 'completed', 'cancelled', 'failed']);
export const jobItemStatusSchema = z.enum(['pending', 'running', 'done', 'failed', 'waiting']);
export type JobStatus = z.infer<typeof jobStatusSchema>;
export type JobItemStatus = z.infer<typeof jobItemStatusSchema>;

export const jobSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  kind: jobKindSchema,
  status: jobStatusSchema,
  /** Why a job is paused or failed, e.g. a quota_exhausted error. */
  pauseReason: appErrorDataSchema.nullable(),
  provider: llmProviderNameSchema.nullable(),
  params: z.record(z.string(), z.unknown()),
  total: z.number().int().nonnegative(),
  done: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Job = z.infer<typeof jobSchema>;

export const jobItemSchema = z.object({
  id: z.string(),
  jobId: z.string(),
  seq: z.number().int().nonnegative(),
  status: jobItemStatusSchema,
  input: z.record(z.string(), z.unknown()),
  resultId: z.string().nullable(),
  error: appErrorDataSchema.nullable(),
  attempts: z.number().int().nonnegative(),
  provider: llmProviderNameSchema.nullable(),
  updatedAt: z.string(),
});
export type JobItem = z.infer<typeof jobItemSchema>;

/** The program running a job: the desktop app, the command line, or the browser host. */
export const jobProgramSchema = z.enum(['app', 'cli', 'host']);
export type JobProgram = z.infer<typeof jobProgramSchema>;

/**
 * Who holds a job's lease: the one process allowed to run it. `live` is false when the holder is
 * gone (its process ended, or its heartbeat stopped), so the job can be resumed here.
 */
export const jobHolderSchema = z.object({
  pid: z.number().int(),
  program: jobProgramSchema,
  host: z.string(),
  startedAt: z.string(),
  heartbeatAt: z.string(),
  live: z.boolean(),
  /** True when the holder is this process. */
  self: z.boolean(),
});
export type JobHolder = z.infer<typeof jobHolderSchema>;

export const jobProgressSchema = z.object({
  jobId: z.string(),
  status: jobStatusSchema,
  total: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  waiting: z.number().int(),
  etaMs: z.number().nullable(),
  pauseReason: appErrorDataSchema.nullable(),
});
export type JobProgress = z.infer<typeof jobProgressSchema>;
