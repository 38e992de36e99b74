import type { AppErrorData } from '../../shared/domain';
import type { ChannelInput, ChannelName, ChannelOutput, EventName, EventPayload, OutreachApi } from '../../shared/ipc';

/** A handler in a fake core: returns the channel's value, or throws `{ error }` to answer with an error envelope. */
export type FakeHandlers = { [C in ChannelName]?: (input: ChannelInput<C>) => ChannelOutput<C> | Promise<ChannelOutput<C>> };

/** Thrown by a fake handler to answer with an error envelope. */
export class FakeError {
  constructor(readonly error: AppErrorData) {}
}

/**
 * Installs a `window.api` backed by in-test handlers, the same surface the preload and the
 * browser host expose; records every call. A channel without a handler answers `not_found`.
 */
export function installFakeApi(handlers: FakeHandlers) {
  const calls: { channel: ChannelName; input: unknown }[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const api: OutreachApi = {
    async invoke(channel, input) {
      calls.push({ channel, input });
      const handler = handlers[channel] as ((input: unknown) => unknown) | undefined;
      if (!handler) return { ok: false, error: { code: 'not_found', message: `no fake handler for ${channel}`, retryable: false } };
      try {
        return { ok: true, value: (await handler(input)) as never };
      } catch (err) {
        if (err instanceof FakeError) return { ok: false, error: err.error };
        throw err;
      }
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
  (window as unknown as { api: OutreachApi }).api = api;
  return {
    calls,
    emit<E extends EventName>(event: E, payload: EventPayload<E>) {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
    callsTo<C extends ChannelName>(channel: C): ChannelInput<C>[] {
      return calls.filter((c) => c.channel === channel).map((c) => c.input as ChannelInput<C>);
    },
  };
}

export function uninstallFakeApi() {
  delete (window as unknown as { api?: OutreachApi }).api;
}
