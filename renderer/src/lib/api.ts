import type { AppErrorData, ErrorCode, LLMProviderName } from '../../../shared/domain';
import { createInvoke, type EventName, type EventPayload, type OutreachApi } from '../../../shared/ipc';

/**
 * The one module that touches `window.api`. Everything else calls `call` and `subscribe`,
 * and gets typed values or a thrown `ApiError`.
 */

/** An error that came back from the core as data; `message` already says what to do. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly provider: LLMProviderName | undefined;
  readonly field: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(data: AppErrorData) {
    super(data.message);
    this.code = data.code;
    this.retryable = data.retryable;
    this.provider = data.provider;
    this.field = data.field;
    this.retryAfterMs = data.retryAfterMs;
  }
}

function bridge(): OutreachApi {
  const api = (window as unknown as { api?: OutreachApi }).api;
  if (!api) {
    throw new ApiError({
      code: 'internal',
      message: 'The app bridge is missing: open Outreach Desk from the app or from `npm run preview:web`.',
      retryable: false,
    });
  }
  return api;
}

/** True when the page was opened with a bridge to the core. */
export function hasBridge(): boolean {
  return Boolean((window as unknown as { api?: OutreachApi }).api);
}

/** Calls a channel and returns its value, or throws an `ApiError`. */
export const call = createInvoke(
  async (channel, input) => {
    const api = bridge();
    try {
      return await api.invoke(channel, input);
    } catch (err) {
      // A rejected invoke means the transport failed, not the handler: the core is unreachable.
      return {
        ok: false,
        error: {
          code: 'internal',
          message: `Could not reach the Outreach Desk core (${err instanceof Error ? err.message : String(err)}). Restart the app.`,
          retryable: true,
        },
      };
    }
  },
  (data) => new ApiError(data),
);

/** Subscribes to a push event from the core; returns the function that unsubscribes. */
export function subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
  return bridge().on(event, listener);
}

/** Turns anything caught into an `ApiError`, so screens show one kind of error. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError({ code: 'internal', message: err instanceof Error ? err.message : String(err), retryable: false });
}

/** A fresh id for a streaming request. */
export function newRequestId(): string {
  return crypto.randomUUID();
}
