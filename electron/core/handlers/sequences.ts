import type { Services } from '../services';
import type { HandlerContext, Handlers } from './types';

type SequenceChannels =
  | 'sequences:generate'
  | 'sequences:regenerate-step'
  | 'sequences:save'
  | 'sequences:list'
  | 'sequences:get'
  | 'sequences:delete'
  | 'sequences:export'
  | 'templates:list'
  | 'templates:save'
  | 'templates:delete'
  | 'profiles:list'
  | 'profiles:save'
  | 'profiles:delete'
  | 'leads:list'
  | 'leads:save'
  | 'leads:delete';

function streamTo(ctx: HandlerContext, requestId: string) {
  return (text: string) => ctx.emit('llm:stream', { requestId, part: { type: 'text-delta', text } });
}

export function createSequenceHandlers(services: Services): Pick<Handlers, SequenceChannels> {
  const { records } = services;
  return {
    'sequences:generate': ({ requestId, ...source }, ctx) => services.sequences.generate(source, requestId, streamTo(ctx, requestId)),
    'sequences:regenerate-step': ({ requestId, steps, stepIndex, ...source }, ctx) =>
      services.sequences.regenerateStep(source, steps, stepIndex, requestId, streamTo(ctx, requestId)),
    'sequences:save': (input) => services.sequences.save(input),
    'sequences:list': (query) => services.sequences.list(query),
    'sequences:get': ({ id }) => services.sequences.get(id),
    'sequences:delete': ({ id }) => ({ deleted: services.sequences.delete(id) }),
    'sequences:export': ({ ids, format, fillPlaceholders }) => services.exports.sequences(ids, format, fillPlaceholders),

    'templates:list': () => records.templates.list(),
    'templates:save': (input) => records.templates.save(input),
    'templates:delete': ({ id }) => ({ deleted: records.templates.delete(id) }),

    'profiles:list': () => records.profiles.list(),
    'profiles:save': (input) => records.profiles.save(input),
    'profiles:delete': ({ id }) => ({ deleted: records.profiles.delete(id) }),

    'leads:list': (query) => records.leads.list(query),
    'leads:save': (input) => records.leads.save(input),
    'leads:delete': ({ id }) => ({ deleted: records.leads.delete(id) }),
  };
}
