import { z } from 'zod';

export const replyClassSchema = z.enum(['interested', 'not_interested', 'question', 'out_of_office', 'bounce', 'unsubscribe', 'other']);
export type ReplyClass = z.infer<typeof replyClassSchema>;

export const suggestedActionSchema = z.enum(['follow_up', 'stop_sequence', 'escalate', 'none']);
export type SuggestedAction = z.infer<typeof suggestedActionSchema>;

export const replyClassificationSchema = z.object({
  classification: replyClassSchema,
  confidence: z.number().min(0).max(1),
  reason: z.string().max(300),
  suggestedAction: suggestedActionSchema,
});
export type ReplyClassification = z.infer<typeof replyClassificationSchema>;

/** Who decided a reply's class: the deterministic rules, or a model. */
export const decidedBySchema = z.enum(['rules', 'model', 'undecided']);
export type DecidedBy = z.infer<typeof decidedBySchema>;
