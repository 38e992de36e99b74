import { AsyncLocalStorage } from 'node:async_hooks';

/** What the last HTTP response of an attempt looked like, whatever the SDK kept of it. */
export interface HttpObservation {
  status: number;
  headers: Headers;
}

/** Per-attempt state: the last response seen, and who wants to hear about each one. */
export interface ObserverStore {
  last?: HttpObservation;
  onResponse?: (observation: HttpObservation) => void;
}

const storage = new AsyncLocalStorage<ObserverStore>();

/**
 * A fetch for every SDK client. It records each response's status and headers in the current
 * attempt's store, because the SDKs drop them in places we need them: Gemini errors carry no
 * headers, and rate-limit headers of successful calls are otherwise out of reach.
 */
export const observedFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const store = storage.getStore();
  if (store) {
    const observation = { status: response.status, headers: response.headers };
    store.last = observation;
    store.onResponse?.(observation);
  }
  return response;
};

/** Runs `fn` (which starts the HTTP request) with `store` as the attempt's observer. */
export function observeHttp<T>(store: ObserverStore, fn: () => Promise<T>): Promise<T> {
  return storage.run(store, fn);
}
