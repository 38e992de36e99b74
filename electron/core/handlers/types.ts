import type { ChannelName, ChannelOutput, ParsedInput } from '../../../shared/ipc/contract';
import type { EventName, EventPayload } from '../../../shared/ipc/events';

/** What a handler may use besides its input. */
export interface HandlerContext {
  /** Pushes an event to the caller that made this request (the window, or the browser tab). */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
}

export type Handler<C extends ChannelName> = (input: ParsedInput<C>, ctx: HandlerContext) => Promise<ChannelOutput<C>> | ChannelOutput<C>;

/** One handler per channel: a channel without a handler is a compile error. */
export type Handlers = { [C in ChannelName]: Handler<C> };
