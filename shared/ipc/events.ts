import { z } from 'zod';
import { streamPartSchema } from '../domain/llm';
import { jobProgressSchema } from '../domain/records';

/** Pushes from the core to the renderer. */
export const events = {
  /** A part of a streamed answer, tagged with the request id the renderer chose. */
  'llm:stream': z.object({ requestId: z.string(), part: streamPartSchema }),
  'jobs:progress': jobProgressSchema,
};
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;
export const EVENT_NAMES = Object.keys(events) as EventName[];
