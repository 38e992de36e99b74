import { z } from 'zod';
import { llmProviderNameSchema } from '../../../shared/domain/llm';
import type { Job } from '../../../shared/domain/records';
import { generateJobInputSchema } from '../../../shared/ipc/jobs';
import { AppError } from '../errors';

/** What every job keeps in `params`, whatever its kind. */
const jobRunShape = {
  /** Who started the job: its items run as that user (the organization's owner when absent or gone). */
  userId: z.string().min(1).optional(),
  /** The providers an item falls back to, in order, after the job's own (the job runner reads it). */
  fallbackOrder: z.array(llmProviderNameSchema),
};

/** What a generate job keeps in `params`: how to draft, as the batch asked (`jobs:create-generate`). */
export const generateJobParamsSchema = z.object({
  ...jobRunShape,
  businessProfileId: generateJobInputSchema.shape.businessProfileId,
  options: generateJobInputSchema.shape.options,
  model: generateJobInputSchema.shape.model,
  concurrency: generateJobInputSchema.shape.concurrency,
});
export type GenerateJobParams = z.infer<typeof generateJobParamsSchema>;

/** What a classify job keeps in `params`. */
export const classifyJobParamsSchema = z.object({
  ...jobRunShape,
  /** Decide by the rules alone: no model call for any item. */
  rulesOnly: z.boolean(),
  /** The uploads its items read (a batch of uploaded files): removed when the job is done with them. */
  uploadIds: z.array(z.string()).optional(),
});
export type ClassifyJobParams = z.infer<typeof classifyJobParamsSchema>;

/**
 * A job's params, read back through the schema they were written with. Params that do not fit
 * (a damaged row, a job written by another version) are refused before any model call: read
 * as they are, they could draft with options the batch never had, and bill every call.
 */
export function readJobParams<S extends z.ZodType>(job: Job, schema: S): z.output<S> {
  const parsed = schema.safeParse(job.params);
  if (parsed.success) return parsed.data;
  const [issue] = parsed.error.issues;
  const field = ['params', ...(issue?.path ?? []).map(String)].join('.');
  throw new AppError(
    'validation',
    `The settings of this ${job.kind} job cannot be read (${field}: ${issue?.message ?? 'invalid'}), so no model was called for it: start a new batch.`,
    { field },
  );
}
