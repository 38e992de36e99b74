import type { Invoke } from '../../shared/ipc/invoke';
import { UPLOAD_CHUNK_BYTES } from '../../shared/ipc/uploads';

/**
 * Sends a file's bytes to a core as the renderer does (`uploads:begin`, one `uploads:chunk` per
 * `chunkBytes`, `uploads:finish`) and returns the upload's id, for `leads:import` or
 * `jobs:create-classify`.
 */
export async function uploadBytes(call: Invoke, name: string, bytes: Uint8Array | string, chunkBytes = UPLOAD_CHUNK_BYTES): Promise<string> {
  const data = Buffer.from(bytes);
  const { uploadId } = await call('uploads:begin', { name, size: data.length });
  for (let offset = 0; offset < data.length; offset += chunkBytes) {
    await call('uploads:chunk', { uploadId, offset, dataBase64: data.subarray(offset, offset + chunkBytes).toString('base64') });
  }
  await call('uploads:finish', { uploadId });
  return uploadId;
}
