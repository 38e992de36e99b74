import { describe, expect, it } from 'vitest';
import type { JobProgress } from '../../shared/domain/records';
import { formatDuration, renderProgressBar } from '../../electron/core/jobs';

const base: JobProgress = { jobId: 'j1', status: 'running', total: 200, done: 50, failed: 0, waiting: 0, etaMs: 65_000, pauseReason: null };

describe('renderProgressBar', () => {
  it('draws the finished share, the counts and the ETA within the width', () => {
    const line = renderProgressBar(base, 60);
    expect(line).toBe(`[${'█'.repeat(9)}${'░'.repeat(25)}] 50/200 · ETA 1 min 05 s`);
    expect(line).toHaveLength(60);
  });

  it('counts failed items as finished and shows them', () => {
    expect(renderProgressBar({ ...base, done: 90, failed: 10, etaMs: 4_000 }, 50)).toBe(`[${'█'.repeat(10)}${'░'.repeat(9)}] 90/200 · 10 failed · ETA 4 s`);
  });

  it('says why a job is not moving', () => {
    expect(renderProgressBar({ ...base, waiting: 3 }, 80)).toMatch(/50\/200 · 3 waiting for the network$/);
    expect(renderProgressBar({ ...base, status: 'paused', etaMs: null, pauseReason: { code: 'quota_exhausted', message: 'x', retryable: false } }, 80)).toMatch(
      /paused: quota_exhausted$/,
    );
    expect(renderProgressBar({ ...base, etaMs: null }, 80)).toMatch(/ETA …$/);
    expect(renderProgressBar({ ...base, status: 'completed', done: 200, etaMs: null }, 40)).toMatch(/^\[█+\] 200\/200 · completed$/);
  });

  it('keeps a minimum bar and cuts the line to the width on a narrow terminal', () => {
    const line = renderProgressBar({ ...base, failed: 12 }, 20);
    expect(line).toHaveLength(20);
    expect(line.endsWith('…')).toBe(true);
    expect(renderProgressBar({ ...base, total: 0, done: 0 }, 40)).toMatch(/^\[█+\] 0\/0/);
  });

  it('formats durations for a terminal', () => {
    expect([formatDuration(400), formatDuration(59_400), formatDuration(3_599_000), formatDuration(7_800_000)]).toEqual([
      '0 s',
      '59 s',
      '59 min 59 s',
      '2 h 10 min',
    ]);
  });
});
