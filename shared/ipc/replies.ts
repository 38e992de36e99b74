import { z } from 'zod';
import { llmProviderNameSchema } from '../domain/llm';
import { replySchema } from '../domain/records';
import { replyClassSchema } from '../domain/reply';
import { defineChannel } from './envelope';

const id = z.string().min(1).max(100);

export const replyChannels = {
  /** Classifies one reply: pasted text, or the raw source of an .eml file. Rules first, then a model. */
  'replies:classify': defineChannel(
    z
      .object({
        text: z.string().min(1).max(200_000).optional(),
        eml: z.string().min(1).max(5_000_000).optional(),
        /** The .eml file's raw bytes, base64: mail in any charset reaches the parser unchanged. */
        emlBase64: z
          .string()
          .min(1)
          .max(7_000_000)
          .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64')
          .optional(),
        originalOutreach: z.string().max(20_000).optional(),
        leadId: id.optional(),
        sequenceId: id.optional(),
        provider: llmProviderNameSchema.optional(),
        model: z.string().min(1).max(200).optional(),
      })
      .strict()
      .refine((v) => [v.text, v.eml, v.emlBase64].filter((x) => x !== undefined).length === 1, 'give exactly one of text, eml or emlBase64'),
    replySchema,
  ),
  'replies:list': defineChannel(
    z
      .object({
        classification: replyClassSchema.optional(),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(500).default(100),
      })
      .strict(),
    z.object({ items: z.array(replySchema), total: z.number().int() }),
  ),
  'replies:delete': defineChannel(z.object({ id }).strict(), z.object({ deleted: z.boolean() })),
};
