import type { AppErrorData } from '../domain/errors';
import type { ChannelInput, ChannelName, ChannelOutput } from './contract';
import type { Result } from './envelope';

/**
 * How one door carries a call to the core's dispatcher and brings back its envelope: the core
 * itself (in process), Electron IPC through the preload, or HTTP through the browser host's
 * bridge. `extra` is what a door needs besides the call, such as the core's handler context.
 */
export type Transport<Extra extends unknown[] = []> = <C extends ChannelName>(channel: C, input: ChannelInput<C>, ...extra: Extra) => Promise<Result<unknown>>;

/** Builds what a caller throws from an envelope's error: the core's `AppError`, the renderer's `ApiError`. */
export type ErrorFromData<E extends Error = Error> = (data: AppErrorData, channel: ChannelName) => E;

/**
 * A typed call into the core: the channel's output, or a thrown error built from the envelope.
 * Changing a channel's schemas changes these types, so a caller that no longer fits fails to compile.
 */
export type Invoke<Extra extends unknown[] = []> = <C extends ChannelName>(channel: C, input: ChannelInput<C>, ...extra: Extra) => Promise<ChannelOutput<C>>;

/**
 * The one unwrapping of an envelope, for every door: the core (`core.invoke`), the CLI, the
 * renderer's `call` and the tests. The dispatcher has already cut every value to its channel's
 * output schema; this is the single place that gives the value that schema's type back.
 */
export function createInvoke<Extra extends unknown[] = []>(transport: Transport<Extra>, toError: ErrorFromData): Invoke<Extra> {
  return async <C extends ChannelName>(channel: C, input: ChannelInput<C>, ...extra: Extra): Promise<ChannelOutput<C>> => {
    const result: unknown = await transport(channel, input, ...extra);
    if (!isEnvelope(result)) {
      throw toError(
        {
          code: 'internal',
          message: `The answer to ${channel} was not one Outreach Desk sends: restart the app, and report it if it happens again.`,
          retryable: false,
        },
        channel,
      );
    }
    if (!result.ok) throw toError(result.error, channel);
    return result.value as ChannelOutput<C>;
  };
}

/** A value shaped like `{ ok: true, value }` or `{ ok: false, error }`, whatever a transport brought back. */
function isEnvelope(value: unknown): value is Result<unknown> {
  if (value === null || typeof value !== 'object') return false;
  const { ok, error } = value as { ok?: unknown; error?: unknown };
  return ok === true || (ok === false && error !== null && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string');
}
