import { useEffect, useRef, useState } from 'react';
import type { ChannelOutput } from '../../../../shared/ipc';
import { type ApiError, call, newRequestId, subscribe, toApiError } from '../../lib/api';
import type { DraftInput } from './use-draft-form';

/** Where a generation stands: the streamed text while it runs, then how it ended. */
export type Phase = { kind: 'idle' } | { kind: 'streaming'; requestId: string; text: string } | { kind: 'cancelled' } | { kind: 'error'; error: ApiError };

export type Generated = ChannelOutput<'sequences:generate'>;

/** A streaming generation: start it, watch its text grow, cancel it. */
export interface Generation {
  phase: Phase;
  reset(): void;
  /** Streams a sequence; resolves with it, or with null when it failed or was cancelled (see `phase`). */
  start(input: DraftInput): Promise<Generated | null>;
  /** Asks the core to stop the running call; the call then ends as cancelled. */
  cancel(): Promise<void>;
}

/** Runs one streaming `sequences:generate` at a time, and cancels it when the screen goes away. */
export function useGeneration(): Generation {
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const active = useRef<string | null>(null);

  // Leaving the screen mid-stream stops the call, so no tokens are spent on text nobody sees.
  // Nothing is left on screen to show a failed cancel, hence the empty catch.
  useEffect(
    () => () => {
      if (active.current) void call('llm:cancel', { requestId: active.current }).catch(() => undefined);
    },
    [],
  );

  const start = async (input: DraftInput): Promise<Generated | null> => {
    const requestId = newRequestId();
    active.current = requestId;
    setPhase({ kind: 'streaming', requestId, text: '' });
    const unsubscribe = subscribe('llm:stream', (event) => {
      if (event.requestId !== requestId) return;
      const delta = event.part.text;
      setPhase((p) => (p.kind === 'streaming' && p.requestId === requestId ? { ...p, text: p.text + delta } : p));
    });
    // Not useAction: how the stream ended is its phase, and a cancel the user asked for ends it
    // as cancelled, not as an error; the stream's listener goes whatever happened.
    try {
      const generated = await call('sequences:generate', { ...input, requestId });
      setPhase({ kind: 'idle' });
      return generated;
    } catch (err) {
      const error = toApiError(err);
      setPhase(error.code === 'aborted' ? { kind: 'cancelled' } : { kind: 'error', error });
      return null;
    } finally {
      unsubscribe();
      active.current = null;
    }
  };

  const cancel = async () => {
    if (active.current) await call('llm:cancel', { requestId: active.current });
  };

  return { phase, reset: () => setPhase({ kind: 'idle' }), start, cancel };
}
