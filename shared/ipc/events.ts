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

/**
 * Narrows a pushed event's payload by its name, for a listener that takes every event
 * (`emit(event, payload)`, `subscribe((event, payload) => …)`): the contract ties each name to
 * one payload, so `isEvent('jobs:progress', event, payload)` makes `payload` a `JobProgress`.
 */
export function isEvent<E extends EventName>(expected: E, event: EventName, _payload: unknown): _payload is EventPayload<E> {
  return event === expected;
}
