import type { AppErrorData } from '../../shared/domain/errors';
import type { Result } from '../../shared/ipc/envelope';
import type { EventName } from '../../shared/ipc/events';
import { createInvoke, type Invoke } from '../../shared/ipc/invoke';
import type { Core } from '../../electron/core';
import { AppError } from '../../electron/core/errors';

/** An envelope as a test reads it: `error` and `value` can be looked at without narrowing first. */
export interface RawEnvelope {
  ok: boolean;
  value?: unknown;
  error?: AppErrorData;
}

/** The two ways a test calls a real core. */
export interface TestInvoke {
  /**
   * Calls a channel the way the CLI and the renderer do (`createInvoke`): the channel's typed
   * output, or the envelope's `AppError`, whose message starts with the channel (and the label).
   */
  call: Invoke;
  /** The envelope as the dispatcher returned it: for tests of refusals and of malformed input. */
  raw(channel: string, input: unknown): Promise<RawEnvelope>;
}

export interface TestInvokeOptions {
  /** Receives the events each call emits (`ctx.emit`), e.g. streamed text. */
  onEvent?(event: EventName, payload: unknown): void;
  /** Sees every envelope, e.g. for a transcript that the key-leak checks read. */
  onEnvelope?(envelope: Result<unknown>): void;
  /** Names the caller in error messages, e.g. the desktop in a team test ("alice"). */
  label?: string;
}

/**
 * The one test wrapper around a core's dispatcher, for every test that drives a core: fixtures
 * of the core, team desktops, the Playwright app. `core` may be a getter, for a core that a test
 * restarts.
 */
export function createTestInvoke(core: Core | (() => Core), options: TestInvokeOptions = {}): TestInvoke {
  const current = typeof core === 'function' ? core : () => core;
  const ctx = { emit: (event: EventName, payload: unknown) => options.onEvent?.(event, payload) };
  const dispatch = async (channel: string, input: unknown): Promise<Result<unknown>> => {
    const result = await current().dispatch(channel, input, ctx);
    options.onEnvelope?.(result);
    return result;
  };
  const prefix = options.label ? `${options.label} ` : '';
  return {
    call: createInvoke(dispatch, (data, channel) => AppError.fromData({ ...data, message: `${prefix}${channel}: [${data.code}] ${data.message}` })),
    raw: dispatch,
  };
}
