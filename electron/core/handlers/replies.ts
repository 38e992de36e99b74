import type { Services } from '../services';
import type { Handlers } from './types';

export function createReplyHandlers(services: Services): Pick<Handlers, 'replies:classify' | 'replies:list' | 'replies:delete'> {
  return {
    'replies:classify': ({ emlBase64, ...input }) =>
      services.replies.classify(emlBase64 !== undefined ? { ...input, eml: Buffer.from(emlBase64, 'base64') } : input),
    'replies:list': (query) => services.replies.list(query),
    'replies:delete': ({ id }) => ({ deleted: services.replies.delete(id) }),
  };
}
