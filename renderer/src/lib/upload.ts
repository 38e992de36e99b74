import { UPLOAD_CHUNK_BYTES } from '../../../shared/ipc/uploads';
import { ApiError, call, toApiError } from './api';
import { formatBytes } from './format';

/** How far an upload has got: bytes the core has of all the files, out of their total. */
export interface UploadProgress {
  /** The file being sent now. */
  name: string;
  sent: number;
  total: number;
}

/** A file's raw bytes as base64: mail and lead files must reach the core byte for byte, whatever their charset. */
function readBase64(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = typeof reader.result === 'string' ? reader.result : '';
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(new Error(reader.error?.message ?? 'the browser could not read it'));
    reader.readAsDataURL(blob);
  });
}

/** Deletes uploads that will not be used; a failure is left to the core's start-up clean-up. */
export function discardUploads(uploadIds: readonly string[]): void {
  for (const uploadId of uploadIds) void call('uploads:discard', { uploadId }).catch(() => undefined);
}

/** Thrown by `uploadFiles` when its signal aborts (the screen that started it closed). */
export class UploadAborted extends Error {
  override readonly name = 'UploadAborted';
}

/**
 * Sends files to the core a chunk at a time (`uploads:begin`, `uploads:chunk` of at most 1 MB read
 * with `File.slice`, `uploads:finish`), so no file is ever read whole into memory or sent in one
 * call, and returns their upload ids, in order. `onProgress` hears after every chunk. When a chunk
 * fails, what was sent is discarded and the error says which file, how far it got, and the core's
 * fix (a full disk, a stopped host), with the advice to choose the file again. `signal` stops it
 * between chunks (the screen closed): what was sent is discarded and UploadAborted thrown.
 */
export async function uploadFiles(files: readonly File[], onProgress: (progress: UploadProgress) => void, signal?: AbortSignal): Promise<string[]> {
  const total = files.reduce((sum, f) => sum + f.size, 0);
  const uploadIds: string[] = [];
  let sent = 0;
  for (const file of files) {
    let fileSent = 0;
    onProgress({ name: file.name, sent, total });
    try {
      if (signal?.aborted) throw new UploadAborted();
      const { uploadId } = await call('uploads:begin', { name: file.name, size: file.size });
      uploadIds.push(uploadId);
      while (fileSent < file.size) {
        const part = file.slice(fileSent, Math.min(file.size, fileSent + UPLOAD_CHUNK_BYTES));
        const dataBase64 = await readBase64(part);
        if (signal?.aborted) throw new UploadAborted();
        const { received } = await call('uploads:chunk', { uploadId, offset: fileSent, dataBase64 });
        sent += received - fileSent;
        fileSent = received;
        onProgress({ name: file.name, sent, total });
      }
      await call('uploads:finish', { uploadId });
    } catch (err) {
      discardUploads(uploadIds);
      if (err instanceof UploadAborted) throw err;
      const cause = toApiError(err);
      const reason = /[.!?]$/.test(cause.message) ? cause.message : `${cause.message}.`;
      throw new ApiError({
        code: cause.code,
        retryable: cause.retryable,
        field: cause.field,
        message: `Uploading ${file.name} stopped at ${formatBytes(fileSent)} of ${formatBytes(file.size)}. ${reason} Then choose the file again: it is sent again from the start.`,
      });
    }
  }
  return uploadIds;
}
