import type { ChannelInput, ChannelName, ChannelOutput } from './contract';
import type { Result } from './envelope';
import type { EventName, EventPayload } from './events';

/**
 * The surface the renderer sees as `window.api`, the same from the Electron preload
 * and from the loopback browser host.
 */
export interface OutreachApi {
  invoke<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<Result<ChannelOutput<C>>>;
  /** Subscribes to a push event; returns the function that unsubscribes. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}
