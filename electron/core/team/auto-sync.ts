import type { Logger } from '../log';

export interface AutoSyncTarget {
  /** True while this desktop is connected to a hub. */
  connected(): boolean;
  /** Outbox entries waiting. */
  pending(): number;
  /** One sync; its failure is already in the status. */
  sync(): Promise<unknown>;
}

export interface AutoSyncOptions {
  /** How often an idle client syncs (one small query). Defaults to 30 s. */
  intervalMs?: number;
  /** How often the outbox is looked at, so a local change syncs soon after. Defaults to 2 s. */
  tickMs?: number;
  logger: Logger;
}

/**
 * Syncs in the background while connected: at start, every `intervalMs`, and within a tick of a
 * local change. After failures (offline) it waits longer each time, up to 16 intervals, and
 * comes back to the normal pace after a success. Timers are unref'd: they never keep a process
 * alive. Returns the function that stops it.
 */
export function startAutoSync(target: AutoSyncTarget, options: AutoSyncOptions): () => void {
  const interval = options.intervalMs ?? 30_000;
  const tick = options.tickMs ?? 2_000;
  let lastAttempt = 0;
  let backoff = 1;
  let running = false;
  let stopped = false;

  const attempt = async () => {
    if (stopped || running || !target.connected()) return;
    const since = Date.now() - lastAttempt;
    const due = since >= interval * backoff || (target.pending() > 0 && since >= tick * backoff);
    if (!due) return;
    running = true;
    lastAttempt = Date.now();
    try {
      await target.sync();
      backoff = 1;
    } catch {
      backoff = Math.min(backoff * 2, 16);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => {
    attempt().catch((error) => options.logger.warn('auto sync failed', { error }));
  }, tick);
  timer.unref();
  const first = setTimeout(() => void attempt(), 0);
  first.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
    clearTimeout(first);
  };
}
