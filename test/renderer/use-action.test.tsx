import { act, cleanup, renderHook, screen, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../renderer/src/lib/api';
import { ToastProvider } from '../../renderer/src/lib/toast';
import { useAction } from '../../renderer/src/lib/use-action';
import { deferred } from '../helpers/deferred';

afterEach(cleanup);

const wrapper = ({ children }: { children: ReactNode }) => <ToastProvider>{children}</ToastProvider>;
const toasts = () => screen.getByRole('status').textContent;

const REFUSED = new ApiError({
  code: 'auth',
  message: 'The OpenAI key was rejected: set a new key in Settings → Providers → OpenAI.',
  retryable: false,
  provider: 'openai',
});

describe('useAction', () => {
  it('is busy with the action while its work runs, then confirms with a toast and returns the value', async () => {
    const { result } = renderHook(() => useAction<'save' | 'delete'>(), { wrapper });
    const work = deferred<{ name: string }>();
    let outcome: Promise<{ name: string } | undefined> | undefined;
    act(() => {
      outcome = result.current.run(
        'save',
        () => work.promise,
        (saved) => `Saved ${saved.name}`,
      );
    });
    expect(result.current.busy).toBe('save');
    expect(toasts()).toBe('');

    await act(async () => work.resolve({ name: 'Acme' }));
    expect(await outcome).toEqual({ name: 'Acme' });
    expect(result.current.busy).toBeNull();
    expect(result.current.error).toBeNull();
    expect(toasts()).toBe('Saved Acme');
  });

  it('keeps the failure as the core sent it, names the action, shows no toast, and resolves to undefined', async () => {
    const { result } = renderHook(() => useAction<'save' | 'delete'>(), { wrapper });
    let outcome: unknown = 'not yet';
    await act(async () => {
      outcome = await result.current.run('delete', () => Promise.reject(REFUSED), 'Deleted');
    });
    expect(outcome).toBeUndefined();
    expect(result.current.busy).toBeNull();
    expect(result.current.error).toBe(REFUSED);
    expect(result.current.failed).toBe('delete');
    expect(toasts()).toBe('');

    // Anything thrown becomes an ApiError, so screens show one kind of error.
    await act(async () => {
      await result.current.run('save', () => Promise.reject(new Error('disk full')));
    });
    expect(result.current.error).toBeInstanceOf(ApiError);
    expect(result.current.error?.message).toBe('disk full');
    expect(result.current.failed).toBe('save');
  });

  it('clears the last failure when the next action starts', async () => {
    const { result } = renderHook(() => useAction<'save'>(), { wrapper });
    await act(async () => {
      await result.current.run('save', () => Promise.reject(REFUSED));
    });
    expect(result.current.error).toBe(REFUSED);
    const work = deferred<void>();
    act(() => {
      void result.current.run('save', () => work.promise);
    });
    expect(result.current.error).toBeNull();
    expect(result.current.failed).toBeNull();
    await act(async () => work.resolve());
  });

  it('keeps the outer action busy through nested runs, and an inner failure does not end it', async () => {
    const { result } = renderHook(() => useAction<'export' | 'save'>(), { wrapper });
    const inner = deferred<string>();
    const rest = deferred<void>();
    let outer: Promise<string | undefined> | undefined;
    act(() => {
      outer = result.current.run(
        'export',
        async () => {
          const saved = await result.current.run('save', () => inner.promise);
          await rest.promise;
          return saved ?? 'unsaved';
        },
        (value) => `Exported (${value})`,
      );
    });
    expect(result.current.busy).toBe('export');

    await act(async () => inner.reject(REFUSED));
    await waitFor(() => expect(result.current.failed).toBe('save'));
    expect(result.current.busy).toBe('export');
    expect(result.current.error).toBe(REFUSED);

    await act(async () => rest.resolve());
    expect(await outer).toBe('unsaved');
    expect(result.current.busy).toBeNull();
    expect(toasts()).toBe('Exported (unsaved)');
  });

  it("holds a screen's own refusal as an error of no action", async () => {
    const { result } = renderHook(() => useAction<'save'>(), { wrapper });
    act(() => result.current.setError(REFUSED));
    expect(result.current.error).toBe(REFUSED);
    expect(result.current.failed).toBeNull();
    act(() => result.current.setError(null));
    expect(result.current.error).toBeNull();
  });
});
