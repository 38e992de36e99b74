import { AppError } from '../errors';
import type { Services } from '../services';
import type { HandlerContext, Handlers } from './types';

type SequenceChannels =
  | 'sequences:generate' | 'sequences:regenerate-step' | 'sequences:save' | 'sequences:list' | 'sequences:get'
  | 'sequences:delete' | 'sequences:export' | 'templates:list' | 'templates:save' | 'templates:delete'
  | 'profiles:list' | 'profiles:save' | 'profiles:delete' | 'leads:list' | 'leads:save' | 'leads:delete';

function streamTo(ctx: HandlerContext, requestId: string) {
  return (text: string) => ctx.emit('llm:stream', { requestId, part: { type: 'text-delta', text } });
}

export function createSequenceHandlers(services: Services): Pick<Handlers, SequenceChannels> {
  const { store } = services;
  const org = () => services.session.current().org;
  const owned = <T extends { orgId: string }>(row: T | null, what: string): T => {
    if (!row || row.orgId !== org().id) throw new AppError('not_found', `That ${what} no longer exists.`, { field: 'id' });
    return row;
  };

  return {
    'sequences:generate': ({ requestId, ...source }, ctx) => services.sequences.generate(source, requestId, streamTo(ctx, requestId)),
    'sequences:regenerate-step': ({ requestId, steps, stepIndex, ...source }, ctx) =>
      services.sequences.regenerateStep(source, steps, stepIndex, requestId, streamTo(ctx, requestId)),
    'sequences:save': (input) => services.sequences.save(input),
    'sequences:list': (query) => store.sequences.list(org().id, query),
    'sequences:get': ({ id }) => services.sequences.get(id),
    'sequences:delete': ({ id }) => {
      owned(store.sequences.get(id), 'sequence');
      return { deleted: store.sequences.delete(id) };
    },
    'sequences:export': ({ ids, format, fillPlaceholders }) => services.exports.sequences(ids, format, fillPlaceholders),

    'templates:list': () => store.templates.list(org().id),
    'templates:save': (input) => {
      const { org: current } = services.session.requireManager('manage templates');
      if (input.id) owned(store.templates.get(input.id), 'template');
      return store.templates.save(current.id, input);
    },
    'templates:delete': ({ id }) => {
      services.session.requireManager('manage templates');
      owned(store.templates.get(id), 'template');
      return { deleted: store.templates.delete(id) };
    },

    'profiles:list': () => store.profiles.list(org().id),
    'profiles:save': (input) => {
      const { org: current } = services.session.requireManager('manage business profiles');
      if (input.id) owned(store.profiles.get(input.id), 'business profile');
      return store.profiles.save(current.id, input);
    },
    'profiles:delete': ({ id }) => {
      services.session.requireManager('manage business profiles');
      owned(store.profiles.get(id), 'business profile');
      return { deleted: store.profiles.delete(id) };
    },

    'leads:list': (query) => store.leads.list(org().id, query),
    'leads:save': (input) => {
      if (input.id) owned(store.leads.get(input.id), 'lead');
      return store.leads.save(org().id, input);
    },
    'leads:delete': ({ id }) => {
      owned(store.leads.get(id), 'lead');
      return { deleted: store.leads.delete(id) };
    },
  };
}
