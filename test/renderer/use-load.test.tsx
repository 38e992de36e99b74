import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { useLoad } from '../../renderer/src/lib/use-load';

afterEach(cleanup);

/** Loads the test answers one by one, so each read is in flight until the test says. */
function controlledReads() {
  const pending: ((value: number) => void)[] = [];
  const load = () => new Promise<number>((resolve) => pending.push(resolve));
  /** Answers the read started `index`-th (from 0). */
  const answer = (index: number, value: number) => {
    const resolve = pending[index];
    if (!resolve) throw new Error(`read ${index} was never started`);
    resolve(value);
  };
  return { pending, load, answer };
}

describe('useLoad', () => {
  it('refresh never overlaps a read: asked many times during one, it reads once more after it', async () => {
    const reads = controlledReads();
    const { result } = renderHook(() => useLoad(reads.load, []));
    expect(reads.pending).toHaveLength(1);

    let settled = false;
    act(() => {
      void result.current.refresh().then(() => {
        settled = true;
      });
      void result.current.refresh();
      void result.current.refresh();
    });
    expect(reads.pending).toHaveLength(1);

    await act(async () => reads.answer(0, 1));
    expect(result.current.data).toBe(1);
    await waitFor(() => expect(reads.pending).toHaveLength(2));
    // Not done yet: the data it was asked for comes from the read after.
    expect(settled).toBe(false);

    await act(async () => reads.answer(1, 2));
    await waitFor(() => expect(settled).toBe(true));
    expect(result.current).toMatchObject({ status: 'ready', data: 2 });
    expect(reads.pending).toHaveLength(2);

    // Nothing in flight: refresh reads at once.
    act(() => void result.current.refresh());
    expect(reads.pending).toHaveLength(3);
    await act(async () => reads.answer(2, 3));
    expect(result.current.data).toBe(3);
  });

  it('reload supersedes the read in flight and drops its late answer', async () => {
    const reads = controlledReads();
    const { result } = renderHook(() => useLoad(reads.load, []));
    act(() => void result.current.reload());
    expect(reads.pending).toHaveLength(2);
    await act(async () => reads.answer(1, 2));
    await act(async () => reads.answer(0, 1));
    expect(result.current).toMatchObject({ status: 'ready', data: 2 });
  });
});
