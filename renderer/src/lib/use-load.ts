import { useCallback, useEffect, useRef, useState } from 'react';
import { type ApiError, toApiError } from './api';

/** The state of something a screen loads: loading, loaded, or failed with an actionable error. */
export type LoadState<T> =
  | { status: 'loading'; data: T | undefined }
  | { status: 'ready'; data: T }
  | { status: 'error'; data: T | undefined; error: ApiError };

/** What `useLoad` gives a screen besides the state. */
export interface Loader<T> {
  /** Reads now; a read already running is superseded and its answer dropped. */
  reload(): Promise<void>;
  /**
   * Reads again without overlapping the read in flight: asked while one runs, it reads once more
   * after it, however often it was asked meanwhile (for reads pushed by a stream of events).
   * Resolves when the data is at least as new as the moment it was asked.
   */
  refresh(): Promise<void>;
  set(value: T): void;
}

/**
 * Loads data when `deps` change and keeps the last value while reloading, so lists do not
 * flash empty. A response that arrives after a newer request started is dropped.
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): LoadState<T> & Loader<T> {
  const [state, setState] = useState<LoadState<T>>({ status: 'loading', data: undefined });
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const inFlight = useRef<Promise<void> | null>(null);
  const queued = useRef<Promise<void> | null>(null);

  const reload = useCallback(() => {
    const mine = ++generation.current;
    setState((prev) => ({ status: 'loading', data: prev.data }));
    const read: Promise<void> = (async () => {
      try {
        const data = await loadRef.current();
        if (mine === generation.current) setState({ status: 'ready', data });
      } catch (err) {
        if (mine === generation.current) setState((prev) => ({ status: 'error', data: prev.data, error: toApiError(err) }));
      }
    })().finally(() => {
      if (inFlight.current === read) inFlight.current = null;
    });
    inFlight.current = read;
    return read;
  }, []);

  const refresh = useCallback((): Promise<void> => {
    const running = inFlight.current;
    if (!running) return reload();
    queued.current ??= running.then(() => {
      queued.current = null;
      return reload();
    });
    return queued.current;
  }, [reload]);

  useEffect(
    () => {
      void reload();
    },
    // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's deps, as with useEffect: useLoad reloads when they change.
    deps,
  );

  const set = useCallback((value: T) => {
    generation.current++;
    setState({ status: 'ready', data: value });
  }, []);

  return { ...state, reload, refresh, set };
}
