import { AppError } from '../errors';
import type { Services } from '../services';
import type { Handlers } from './types';

export function createReplyHandlers(services: Services): Pick<Handlers, 'replies:classify' | 'replies:list' | 'replies:delete'> {
  const org = () => services.session.current().org;
  return {
    'replies:classify': ({ emlBase64, ...input }) =>
      services.replies.classify(emlBase64 !== undefined ? { ...input, eml: Buffer.from(emlBase64, 'base64') } : input),
    'replies:list': (query) => services.store.replies.list(org().id, query),
    'replies:delete': ({ id }) => {
      const reply = services.store.replies.get(id);
      if (!reply || reply.orgId !== org().id) throw new AppError('not_found', 'That reply no longer exists.', { field: 'id' });
      return { deleted: services.store.replies.delete(id) };
    },
  };
}
