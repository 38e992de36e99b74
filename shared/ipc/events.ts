import { z } from 'zod';
import { textDeltaPartSchema } from '../domain/llm';
import { jobProgressSchema } from '../domain/records';
import { teamStatusSchema } from './team';

/** Pushes from the core to the renderer. */
export const events = {
  /**
   * Text of a streamed draft as the model writes it, tagged with the request id the caller chose.
   * There is no closing event: the call's own answer (the validated sequence) ends the stream.
   */
  'llm:stream': z.object({ requestId: z.string(), part: textDeltaPartSchema }),
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
