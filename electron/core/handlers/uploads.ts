import type { Services } from '../services';
import type { Handlers } from './types';

export function createUploadHandlers(services: Services): Pick<Handlers, 'uploads:begin' | 'uploads:chunk' | 'uploads:finish' | 'uploads:discard'> {
  const { uploads } = services;
  return {
    'uploads:begin': (input) => uploads.begin(input),
    'uploads:chunk': ({ uploadId, offset, dataBase64 }) => uploads.chunk(uploadId, offset, Buffer.from(dataBase64, 'base64')),
    'uploads:finish': ({ uploadId }) => uploads.finish(uploadId),
    'uploads:discard': ({ uploadId }) => uploads.discard(uploadId),
  };
}
