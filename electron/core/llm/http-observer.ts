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

/**
 * The key under which an attempt's store rides in the fetch init. The Stainless SDKs (OpenAI,
 * Anthropic, Groq) pass a request's `fetchOptions` through to `fetch` unchanged, so the store
 * reaches `observedFetch` with no per-call context machinery; fetch ignores unknown keys.
 * Why not AsyncLocalStorage: on Node 20 it turns on a hook for every promise in the process,
 * which slowed every call (ours and everyone else's) by several percent.
 */
const STORE = Symbol('outreach-desk.http-observer');

type ObservedInit = RequestInit & { [STORE]?: ObserverStore };

function record(store: ObserverStore, response: Response): void {
  const observation = { status: response.status, headers: response.headers };
  store.last = observation;
  store.onResponse?.(observation);
}

/**
 * The `fetchOptions` of one attempt for a Stainless SDK: carries `store` to `observedFetch`.
 * Typed as an empty init, which each SDK's own `RequestInit` type accepts.
 */
export function observerFetchOptions(store: ObserverStore): Record<never, never> {
  return { [STORE]: store };
}

/**
 * The fetch of every Stainless SDK client. It records each response's status and headers in
 * the store the attempt put in its fetch options, because the SDKs drop them in places we need
 * them: rate-limit headers of successful calls are otherwise out of reach.
 */
export const observedFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const store = (init as ObservedInit | undefined)?.[STORE];
  if (store) record(store, response);
  return response;
};

/**
 * A fetch bound to one attempt, for SDKs that take a fetch per request but pass nothing
 * through to it (Gemini). `signal` replaces whatever signal the SDK set: the SDK is given no
 * signal and no timeout of its own, so it adds no controller or timer per call, and the
 * call's deadline and the caller's abort still reach the request and its body.
 */
export function attemptFetch(store: ObserverStore, signal: AbortSignal): typeof fetch {
  return async (input, init) => {
    // The SDK builds a fresh init for every request, so it is ours to complete.
    const request = init ?? {};
    request.signal = signal;
    const response = await fetch(input, request);
    record(store, response);
    return response;
  };
}
