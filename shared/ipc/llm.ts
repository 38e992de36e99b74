import { z } from 'zod';
import { costSchema, finishReasonSchema, llmProviderNameSchema, tokenUsageSchema } from '../domain/llm';
import { defineChannel } from './envelope';

export const requestIdSchema = z.string().min(8).max(100);

export const llmChannels = {
  /** A short connection test: no retries, a short deadline. Errors come back as the envelope's error. */
  'llm:test': defineChannel(
    z
      .object({
        provider: llmProviderNameSchema.optional(),
        model: z.string().min(1).max(200).optional(),
        prompt: z.string().min(1).max(2000).optional(),
      })
      .strict(),
    z.object({
      success: z.literal(true),
      provider: llmProviderNameSchema,
      model: z.string(),
      response: z.string(),
      /** "length" means the reply was cut off at the test's token limit. */
      finishReason: finishReasonSchema,
      usage: tokenUsageSchema,
      cost: costSchema,
      latencyMs: z.number(),
    }),
  ),
  /** Stops a streaming call started with this request id. */
  'llm:cancel': defineChannel(z.object({ requestId: requestIdSchema }).strict(), z.object({ cancelled: z.boolean() })),
};
