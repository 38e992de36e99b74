import { useCallback, useEffect, useRef, useState } from 'react';
import { type ApiError, toApiError } from './api';

/** The state of something a screen loads: loading, loaded, or failed with an actionable error. */
export type LoadState<T> =
  | { status: 'loading'; data: T | undefined }
  | { status: 'ready'; data: T }
  | { status: 'error'; data: T | undefined; error: ApiError };

/**
 * Loads data when `deps` change and keeps the last value while reloading, so lists do not
 * flash empty. A response that arrives after a newer request started is dropped.
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): LoadState<T> & { reload(): Promise<void>; set(value: T): void } {
  const [state, setState] = useState<LoadState<T>>({ status: 'loading', data: undefined });
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setState((prev) => ({ status: 'loading', data: prev.data }));
    try {
      const data = await loadRef.current();
      if (mine === generation.current) setState({ status: 'ready', data });
    } catch (err) {
      if (mine === generation.current) setState((prev) => ({ status: 'error', data: prev.data, error: toApiError(err) }));
    }
  }, []);

  useEffect(() => {
    void reload();
  }, deps);

  const set = useCallback((value: T) => {
    generation.current++;
    setState({ status: 'ready', data: value });
  }, []);

  return { ...state, reload, set };
}
