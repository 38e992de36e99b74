import type { JobProgress } from '../../../shared/domain/records';

const MIN_BAR = 10;

/** "45 s", "3 min 05 s", "2 h 10 min": short enough for a terminal line. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

function describeState(progress: JobProgress): string {
  switch (progress.status) {
    case 'running':
      if (progress.waiting > 0) return `${progress.waiting} waiting for the network`;
      return progress.etaMs === null ? 'ETA …' : `ETA ${formatDuration(progress.etaMs)}`;
    case 'paused':
      return progress.pauseReason ? `paused: ${progress.pauseReason.code}` : 'paused';
    default:
      return progress.status;
  }
}

/**
 * One line for a terminal: a bar, the counts and the ETA or state, at most `width` characters,
 * e.g. `[██████░░░░░░░░] 120/200 · 3 failed · ETA 8 s`. Done and failed items both fill the bar.
 */
export function renderProgressBar(progress: JobProgress, width: number): string {
  const finished = progress.done + progress.failed;
  const counts = [`${progress.done}/${progress.total}`];
  if (progress.failed > 0) counts.push(`${progress.failed} failed`);
  const text = ` ${[...counts, describeState(progress)].join(' · ')}`;
  const barWidth = Math.max(MIN_BAR, width - text.length - 2);
  const ratio = progress.total === 0 ? 1 : Math.min(1, finished / progress.total);
  const filled = Math.round(ratio * barWidth);
  const line = `[${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}]${text}`;
  return line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line;
}
