import { z } from 'zod';
import { streamPartSchema } from '../domain/llm';
import { jobProgressSchema } from '../domain/records';
import { teamStatusSchema } from './team';

/** Pushes from the core to the renderer. */
export const events = {
  /** A part of a streamed answer, tagged with the request id the renderer chose. */
  'llm:stream': z.object({ requestId: z.string(), part: streamPartSchema }),
  'jobs:progress': jobProgressSchema,
  /** After every team sync (or failed attempt): the header and Settings → Team refresh. */
  'team:status': teamStatusSchema,
};
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;
export const EVENT_NAMES = Object.keys(events) as EventName[];
