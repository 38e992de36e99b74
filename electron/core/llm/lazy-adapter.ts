import type { LLMProviderName } from '../../../shared/domain/llm';
import type { ProviderAdapter } from './adapter';
import { mapUnknownError } from './error-mapping';
import { createLLMError, type LLMError } from './errors';
import type { HttpObservation } from './http-observer';

/**
 * A provider adapter built on demand: each vendor file imports its SDK when its adapter is created,
 * which happens when a provider is built, not when the core loads: the four SDKs take most of a cold start (`npm run bench -- startup`),
 * and a CLI command or a window that makes no model call should not pay for them.
 *
 * The import starts at construction, so it overlaps with whatever the caller does before its
 * first request; the core waits for it (`ready`) before a call's deadline and latency clock start.
 * A failed import (a broken install) is not a vendor error: it reaches the caller as it is.
 * `baseURL` is the address the adapter talks to; a network failure names it.
 */
export function createLazyAdapter(provider: LLMProviderName, baseURL: string, load: () => Promise<ProviderAdapter>): ProviderAdapter {
  let loaded: ProviderAdapter | undefined;
  let pending: Promise<ProviderAdapter> | undefined;
  const start = (): Promise<ProviderAdapter> =>
    (pending ??= load().then(
      (adapter) => (loaded = adapter),
      (error: unknown) => {
        // A failed import (a broken install) is tried again by the next attempt.
        pending = undefined;
        throw error;
      },
    ));
  // Started now; a failure surfaces on the first request, not as an unhandled rejection.
  start().catch(() => {});

  /** The vendor's error, with the URL it tried when the network failed. */
  function toError(error: unknown, http: HttpObservation | undefined, model: string | undefined): LLMError {
    const mapped = loaded ? loaded.toError(error, http, model) : mapUnknownError(provider, error, http, model);
    if (mapped.code !== 'offline') return mapped;
    return createLLMError('offline', provider, { model: mapped.model, requestId: mapped.requestId, cause: mapped.cause ?? error, url: baseURL });
  }

  return {
    provider,
    ready: () => (loaded ? null : start().then(() => undefined)),
    // No extra await once loaded: this is the hot path of every call.
    complete: (request) => (loaded ? loaded.complete(request) : start().then((a) => a.complete(request))),
    openStream: (request) => (loaded ? loaded.openStream(request) : start().then((a) => a.openStream(request))),
    listModelIds: (signal, observer) => (loaded ? loaded.listModelIds(signal, observer) : start().then((a) => a.listModelIds(signal, observer))),
    toError,
  };
}
