import { z } from 'zod';

/**
 * What one lead may carry. A lead's data goes into every prompt drafted for it, so its size is
 * its cost: a 1 MB lead once cost $0.50 in one call. Imports keep the first custom fields within
 * these caps and report the rows they cut; the prompt refuses a bigger lead (one stored before
 * the caps) with a clear error rather than paying for it.
 */
export const LEAD_LIMITS = {
  fieldChars: 500,
  customFields: 50,
  customKeyChars: 100,
  customValueChars: 5000,
  /** Keys and values of all custom fields together. */
  customTotalChars: 10_000,
  /**
   * The lead's data block in a prompt, as rendered. A lead within the caps above always fits: at
   * worst ~3,100 characters of fields and ~10,300 of custom fields, plus a 2-space indent after
   * each line break inside a value (at most one per 2 characters): ~26,500.
   */
  promptChars: 30_000,
} as const;

const shortText = z.string().max(LEAD_LIMITS.fieldChars);

/** Custom fields within LEAD_LIMITS: how many, and how much text in all. */
export const customFieldsSchema = z
  .record(z.string().max(LEAD_LIMITS.customKeyChars), z.string().max(LEAD_LIMITS.customValueChars))
  .refine((fields) => Object.keys(fields).length <= LEAD_LIMITS.customFields, {
    message: `A lead keeps at most ${LEAD_LIMITS.customFields} custom fields: remove some, or set their columns to Ignore when importing.`,
  })
  .refine((fields) => customFieldsChars(fields) <= LEAD_LIMITS.customTotalChars, {
    message: `A lead's custom fields hold at most ${LEAD_LIMITS.customTotalChars.toLocaleString('en-US')} characters in all: shorten or remove some.`,
  });

/** The characters of custom fields, keys and values, as counted against LEAD_LIMITS.customTotalChars. */
export function customFieldsChars(fields: Readonly<Record<string, string>>): number {
  let total = 0;
  for (const [key, value] of Object.entries(fields)) total += key.length + value.length;
  return total;
}

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
  customFields: customFieldsSchema.optional(),
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
