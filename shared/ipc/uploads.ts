import { z } from 'zod';
import { defineChannel } from './envelope';

/**
 * The most bytes one `uploads:chunk` carries, before base64. The browser host sizes the body
 * limit of that channel from it, and every other channel stays far below.
 */
export const UPLOAD_CHUNK_BYTES = 1024 * 1024;
/** The longest base64 text of one chunk. */
export const UPLOAD_CHUNK_BASE64_CHARS = Math.ceil(UPLOAD_CHUNK_BYTES / 3) * 4;
/** The biggest file one upload takes: a mailbox export of many GB fits; the disk is the real limit. */
export const MAX_UPLOAD_BYTES = 64 * 1024 ** 3;

/** An upload, by the id `uploads:begin` gave (a UUID, so it can never name a path). */
export const uploadIdSchema = z.uuid('must be an upload id from uploads:begin');

/**
 * A file's own name, as a browser gives it (`File.name`): no folders, no control characters,
 * not "." or "..". The core stores the upload under a name made safe for every file system.
 */
export const uploadNameSchema = z
  .string()
  .min(1)
  .max(255)
  .refine((name) => !/[/\\]/.test(name), 'must be a file name without folders ("/" or "\\")')
  .refine((name) => ![...name].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127), 'must be a file name without control characters')
  .refine((name) => name !== '.' && name !== '..', 'must be a file name, not "." or ".."');

const base64 = /^[A-Za-z0-9+/]*={0,2}$/;

export const uploadChannels = {
  /**
   * Starts sending one file to the core, which keeps it in the data folder until it is used
   * (a lead import, a reply batch), discarded, or found stale at the next start. `size` is the
   * file's length in bytes; the chunks must add up to it.
   */
  'uploads:begin': defineChannel(
    z.object({ name: uploadNameSchema, size: z.number().int().min(0).max(MAX_UPLOAD_BYTES) }).strict(),
    z.object({ uploadId: z.string() }),
  ),
  /**
   * Appends the next bytes, in order: `offset` is how many bytes were sent before (what the
   * last chunk answered as `received`). At most UPLOAD_CHUNK_BYTES a chunk.
   */
  'uploads:chunk': defineChannel(
    z
      .object({
        uploadId: uploadIdSchema,
        offset: z.number().int().min(0).max(MAX_UPLOAD_BYTES),
        dataBase64: z.string().min(1).max(UPLOAD_CHUNK_BASE64_CHARS, `must be at most ${UPLOAD_CHUNK_BYTES} bytes a chunk`).regex(base64, 'must be base64'),
      })
      .strict(),
    z.object({ received: z.number().int() }),
  ),
  /** Checks every byte arrived; the upload can then be given to `leads:import` or `jobs:create-classify`. */
  'uploads:finish': defineChannel(
    z.object({ uploadId: uploadIdSchema }).strict(),
    z.object({ uploadId: z.string(), name: z.string(), size: z.number().int() }),
  ),
  /** Deletes an upload no one needs any more (the user chose another file); `discarded` is false when it was already gone. */
  'uploads:discard': defineChannel(z.object({ uploadId: uploadIdSchema }).strict(), z.object({ discarded: z.boolean() })),
};
