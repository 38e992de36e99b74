import { z } from 'zod';
import { llmProviderNameSchema } from './llm';

/**
 * The closed set of error codes that cross every boundary (IPC, HTTP host, CLI).
 * LLM codes come first; the rest belong to the app.
 */
export const errorCodeSchema = z.enum([
  'auth',
  'permission',
  'model_not_found',
  'rate_limited',
  'quota_exhausted',
  'overloaded',
  'server',
  'timeout',
  'offline',
  'aborted',
  'content_filtered',
  'context_length',
  'invalid_request',
  'invalid_output',
  // app errors
  'validation',
  'forbidden',
  'not_found',
  'no_key',
  'keychain_unavailable',
  'budget_exceeded',
  'storage',
  'conflict',
  'internal',
]);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

/** An error as data: what crosses IPC. The message says what happened and what to do. */
export const appErrorDataSchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  retryable: z.boolean(),
  provider: llmProviderNameSchema.optional(),
  requestId: z.string().optional(),
  /** For `rate_limited`: how long the vendor asked us to wait. */
  retryAfterMs: z.number().nonnegative().optional(),
  /** For `validation`: the offending field path, e.g. "settings.baseUrls.openai". */
  field: z.string().optional(),
});
export type AppErrorData = z.infer<typeof appErrorDataSchema>;
