import { z } from 'zod';
import { jobHolderSchema, jobItemSchema, jobItemStatusSchema, jobProgressSchema, jobSchema } from '../domain/records';
import { defineChannel } from './envelope';
import { draftSettingsShape, exportFormatSchema } from './sequences';
import { uploadIdSchema } from './uploads';

const id = z.string().min(1).max(100);

/** Maps a CSV column name onto a lead field; unmapped columns become custom fields. */
export const leadFieldSchema = z.enum(['firstName', 'lastName', 'email', 'phone', 'company', 'jobTitle', 'industry', 'linkedinUrl', 'custom', 'ignore']);
/** Where a CSV column goes: a `LeadContext` field, `custom` (kept under its header), or `ignore`. */
export type LeadField = z.infer<typeof leadFieldSchema>;

const rowErrorSchema = z.object({ row: z.number().int(), message: z.string() });

/** The most leads one drafting job takes; a bigger import for a batch is refused before it writes anything. */
export const MAX_BATCH_LEADS = 100_000;

/** How a lead file's bytes are read: `auto` follows the byte-order mark, then UTF-8, then Windows-1252. */
export const csvEncodingSchema = z.enum(['auto', 'utf-8', 'utf-16le', 'utf-16be', 'windows-1252']);
export type CsvEncodingChoice = z.infer<typeof csvEncodingSchema>;
/** What an import does with a row whose email is already a lead (or an earlier row's). */
export const onDuplicateSchema = z.enum(['skip', 'update', 'keep']);
export type OnDuplicate = z.infer<typeof onDuplicateSchema>;

/**
 * A lead file, uploaded first (`uploads:begin`, `uploads:chunk`, `uploads:finish`): its raw
 * bytes, so the core decodes every encoding the same way for every door, and a file of any size
 * costs the call nothing. A successful import deletes the upload; a preview keeps it for the import.
 */
const csvFileShape = {
  uploadId: uploadIdSchema,
  encoding: csvEncodingSchema.optional(),
  /** Forces the delimiter; otherwise a `sep=` first line, else the one detected. */
  delimiter: z.enum([',', ';', '\t']).optional(),
};

const csvReadingShape = {
  encoding: csvEncodingSchema.exclude(['auto']),
  delimiter: z.string(),
  /** The spreadsheet row of the header: 1 unless a preamble (LinkedIn's "Notes:") came first. */
  headerRow: z.number().int(),
  warnings: z.array(z.string()),
};

/** How many items of one job run at once, when the job says. */
const concurrencySchema = z.number().int().min(1).max(64);

/** A drafting batch: the leads, the saved business profile, and how to draft (as a single draft is). */
export const generateJobInputSchema = z
  .object({
    leadIds: z
      .array(id)
      .min(1)
      .max(MAX_BATCH_LEADS, `A batch drafts at most ${MAX_BATCH_LEADS.toLocaleString('en-US')} leads: split them into several batches.`),
    businessProfileId: id,
    ...draftSettingsShape,
    concurrency: concurrencySchema.optional(),
  })
  .strict();
export type GenerateJobInput = z.infer<typeof generateJobInputSchema>;

export const jobChannels = {
  'leads:import-preview': defineChannel(
    z.object(csvFileShape).strict(),
    z.object({
      ...csvReadingShape,
      headers: z.array(z.string()),
      rowCount: z.number().int(),
      sample: z.array(z.array(z.string())),
      suggestedMapping: z.record(z.string(), leadFieldSchema),
    }),
  ),
  /**
   * Imports every row in one transaction; rows that fail are reported, never dropped silently.
   * Rows whose email is already a lead are skipped (or update it, or are kept) and counted.
   */
  'leads:import': defineChannel(
    z
      .object({
        ...csvFileShape,
        mapping: z.record(z.string().max(200), leadFieldSchema),
        onDuplicate: onDuplicateSchema.optional(),
        /** The leads are for one drafting batch: refuse, before importing, a file with more than MAX_BATCH_LEADS. */
        forBatch: z.boolean().optional(),
      })
      .strict(),
    z.object({
      ...csvReadingShape,
      imported: z.number().int(),
      updated: z.number().int(),
      skipped: z.number().int(),
      /** Every lead the file names (new, updated and already there), in file order: what a batch drafts. */
      leadIds: z.array(z.string()),
      errors: z.array(rowErrorSchema),
      /** Rows imported with their custom fields cut to the lead limits. */
      capped: z.array(rowErrorSchema),
      /** The refused rows as CSV (`row,message`), safe to open in a spreadsheet; null when none. */
      errorsCsv: z.string().nullable(),
    }),
  ),
  'jobs:create-generate': defineChannel(generateJobInputSchema, jobSchema),
  /**
   * A reply batch over uploaded files (.eml files, mbox files): each message becomes an item that
   * refers to its place in the uploaded file, read only when it runs, so an mbox of many GB costs
   * bounded memory. The uploads stay until the job is done with them (completed without failures,
   * or cancelled).
   */
  'jobs:create-classify': defineChannel(
    z
      .object({
        uploadIds: z.array(uploadIdSchema).min(1).max(10_000),
        rulesOnly: z.boolean().optional(),
      })
      .strict(),
    jobSchema,
  ),
  'jobs:list': defineChannel(z.object({}).strict().optional(), z.array(jobSchema)),
  'jobs:get': defineChannel(
    z
      .object({
        id,
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(500).default(100),
        status: jobItemStatusSchema.optional(),
      })
      .strict(),
    /** `holder`: the process running the job (its lease), so a screen can say "running in the CLI" or offer Resume. */
    z.object({ job: jobSchema, progress: jobProgressSchema, holder: jobHolderSchema.nullable(), items: z.array(jobItemSchema) }),
  ),
  'jobs:pause': defineChannel(z.object({ id }).strict(), jobSchema),
  'jobs:resume': defineChannel(z.object({ id }).strict(), jobSchema),
  'jobs:cancel': defineChannel(z.object({ id }).strict(), jobSchema),
  'jobs:retry-item': defineChannel(z.object({ jobId: id, itemId: id }).strict(), jobItemSchema),
  'jobs:export': defineChannel(
    z.object({ id, format: exportFormatSchema, fillPlaceholders: z.boolean().default(false) }).strict(),
    z.object({ filename: z.string(), mimeType: z.string(), content: z.string() }),
  ),
};
