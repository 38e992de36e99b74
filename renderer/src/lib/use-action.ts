import { useCallback, useRef, useState } from 'react';
import { type ApiError, toApiError } from './api';
import { useToast } from './toast';

/** What a screen's actions share: which one is running, the last failure, and the runner. */
export interface Actions<Name extends string> {
  /** The action under way, or null: buttons disable themselves while one runs. */
  busy: Name | null;
  /** The last action's failure, as the actionable error the core sent. */
  error: ApiError | null;
  /** The action whose failure `error` holds, so a screen can show it where that action lives. */
  failed: Name | null;
  setError(error: ApiError | null): void;
  /**
   * Runs `work` as the action `name`: clears the last error, marks the screen busy, and on success
   * confirms with a toast (`done`). A failure is kept in `error` and resolves to `undefined`, so
   * callers never write their own try/catch.
   */
  run<T>(name: Name, work: () => Promise<T>, done?: string | ((value: T) => string)): Promise<T | undefined>;
}

/** One way for every screen to run user actions: busy, error and toast handling in one place. */
export function useAction<Name extends string = string>(): Actions<Name> {
  const notify = useToast();
  const [busy, setBusy] = useState<Name | null>(null);
  const [failure, setFailure] = useState<{ name: Name | null; error: ApiError } | null>(null);
  // Nested runs (save inside export) keep the outer action's name until it ends.
  const depth = useRef(0);

  const run = useCallback(
    async <T>(name: Name, work: () => Promise<T>, done?: string | ((value: T) => string)): Promise<T | undefined> => {
      setFailure(null);
      if (depth.current++ === 0) setBusy(name);
      try {
        const value = await work();
        if (done) notify(typeof done === 'string' ? done : done(value));
        return value;
      } catch (err) {
        setFailure({ name, error: toApiError(err) });
        return undefined;
      } finally {
        if (--depth.current === 0) setBusy(null);
      }
    },
    [notify],
  );

  // A screen's own refusal ("pick a lead first") belongs to no action.
  const setError = useCallback((error: ApiError | null) => setFailure(error && { name: null, error }), []);

  return { busy, error: failure?.error ?? null, failed: failure?.name ?? null, setError, run };
}
