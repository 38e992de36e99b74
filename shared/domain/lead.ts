import { z } from 'zod';

const shortText = z.string().max(500);

/** What we know about the person we write to. */
export const leadContextSchema = z.object({
  firstName: shortText.optional(),
  lastName: shortText.optional(),
  email: shortText.optional(),
  phone: shortText.optional(),
  company: shortText.optional(),
  jobTitle: shortText.optional(),
  industry: shortText.optional(),
  linkedinUrl: shortText.optional(),
  customFields: z.record(z.string().max(100), z.string().max(5000)).optional(),
});
export type LeadContext = z.infer<typeof leadContextSchema>;

export const toneSchema = z.enum(['professional', 'casual', 'friendly', 'formal']);

/** What we sell, and who sends it. */
export const businessContextSchema = z.object({
  companyName: z.string().min(1).max(200),
  industry: shortText.optional(),
  valueProposition: z.string().min(1).max(5000),
  targetAudience: shortText.optional(),
  keyBenefits: z.array(z.string().max(500)).max(20).optional(),
  painPointsSolved: z.array(z.string().max(500)).max(20).optional(),
  caseStudies: z.array(z.string().max(2000)).max(10).optional(),
  tone: toneSchema.optional(),
  senderName: z.string().min(1).max(200),
  senderTitle: shortText.optional(),
  cta: shortText.optional(),
});
export type BusinessContext = z.infer<typeof businessContextSchema>;
