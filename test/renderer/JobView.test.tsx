import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { Job, JobHolder, JobItem, JobProgress } from '../../shared/domain';
import type { ChannelOutput } from '../../shared/ipc';
import { ToastProvider } from '../../renderer/src/lib/toast';
import { JobView } from '../../renderer/src/pages/batch/JobView';
import { FakeError, installFakeApi, uninstallFakeApi } from './fake-api';
import { deferred } from '../helpers/deferred';

afterEach(() => {
  cleanup();
  uninstallFakeApi();
});

type JobRead = ChannelOutput<'jobs:get'>;

function nth<T>(list: T[], index: number): T {
  const item = list[index];
  if (item === undefined) throw new Error(`no item ${index}: only ${list.length}`);
  return item;
}

const JOB: Job = {
  id: 'job1',
  orgId: 'o1',
  kind: 'classify',
  status: 'running',
  pauseReason: null,
  provider: 'openai',
  params: {},
  total: 10,
  done: 0,
  failed: 0,
  createdAt: '2026-11-02T10:00:00Z',
  updatedAt: '2026-11-02T10:00:00Z',
};

const SELF: JobHolder = {
  pid: 4242,
  program: 'host',
  host: 'desk',
  startedAt: '2026-11-02T10:00:00Z',
  heartbeatAt: '2026-11-02T10:00:05Z',
  live: true,
  self: true,
};

function progress(done: number, failed = 0): JobProgress {
  return { jobId: 'job1', status: 'running', total: 10, done, failed, waiting: 10 - done - failed, etaMs: null, pauseReason: null };
}

function snapshot(done: number, items: JobItem[] = []): JobRead {
  return { job: { ...JOB, done }, progress: progress(done, items.length), holder: SELF, items };
}

const FAILED_ITEM: JobItem = {
  id: 'item7',
  jobId: 'job1',
  seq: 6,
  status: 'failed',
  input: { name: 'reply-7.eml' },
  resultId: null,
  error: { code: 'overloaded', message: 'OpenAI is overloaded: the item is retried later, or retry it now.', retryable: true, provider: 'openai' },
  attempts: 3,
  provider: 'openai',
  updatedAt: '2026-11-02T10:00:05Z',
};

/** "3" from "3 done · 0 failed · …". */
const done = () => /(\d+) done/.exec(screen.getByTestId('job-counts').textContent ?? '')?.[1];

function renderJob() {
  const updates: Job[] = [];
  render(
    <ToastProvider>
      <JobView jobId="job1" stepLabel="2." onUpdate={(job) => updates.push(job)} />
    </ToastProvider>,
  );
  return updates;
}

describe('JobView', () => {
  it('reads the job one read at a time: progress events during a read ask for one more read, not one each', async () => {
    const reads: ReturnType<typeof deferred<JobRead>>[] = [];
    const fake = installFakeApi({
      'jobs:get': () => {
        const read = deferred<JobRead>();
        reads.push(read);
        return read.promise;
      },
    });
    const updates = renderJob();
    expect(screen.getByText('Opening the job…')).toBeTruthy();
    await waitFor(() => expect(reads).toHaveLength(1));

    // Events while the first read runs: the pushed progress shows, and one more read waits.
    act(() => {
      for (const n of [1, 2, 3]) fake.emit('jobs:progress', progress(n));
    });
    expect(reads).toHaveLength(1);
    await act(async () => nth(reads, 0).resolve(snapshot(3)));
    expect(done()).toBe('3');
    await waitFor(() => expect(reads).toHaveLength(2));

    act(() => fake.emit('jobs:progress', progress(4)));
    expect(done()).toBe('4');
    act(() => fake.emit('jobs:progress', progress(5)));
    await act(async () => nth(reads, 1).resolve(snapshot(5)));
    await waitFor(() => expect(reads).toHaveLength(3));
    await act(async () => nth(reads, 2).resolve(snapshot(5)));
    expect(done()).toBe('5');
    expect(reads).toHaveLength(3);
    expect(fake.callsTo('jobs:get')[0]).toEqual({ id: 'job1', limit: 500, status: 'failed' });
    // The page's list of jobs follows every read.
    expect(updates.map((j) => j.done)).toEqual([3, 5, 5]);
  });

  it('disables the controls while pausing, shows the core’s refusal, and confirms with a toast when it works', async () => {
    const user = userEvent.setup();
    const pauses: ReturnType<typeof deferred<Job>>[] = [];
    installFakeApi({
      'jobs:get': () => snapshot(2),
      'jobs:pause': () => {
        const pause = deferred<Job>();
        pauses.push(pause);
        return pause.promise;
      },
    });
    renderJob();
    const pause = await screen.findByRole('button', { name: 'Pause' });
    await user.click(pause);
    expect((pause as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Cancel job' }) as HTMLButtonElement).disabled).toBe(true);

    await act(async () => nth(pauses, 0).reject(new FakeError({ code: 'conflict', message: 'The CLI runs this job: pause it there.', retryable: false })));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The CLI runs this job: pause it there.');
    expect((pause as HTMLButtonElement).disabled).toBe(false);

    await user.click(pause);
    expect(screen.queryByRole('alert')).toBeNull();
    await act(async () => nth(pauses, 1).resolve({ ...JOB, status: 'paused' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('Job paused'));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('retries a failed item by its own row and reads the job again', async () => {
    const user = userEvent.setup();
    let failed = [FAILED_ITEM];
    const fake = installFakeApi({
      'jobs:get': () => snapshot(2, failed),
      'jobs:retry-item': () => {
        failed = [];
        return { ...FAILED_ITEM, status: 'pending', error: null };
      },
    });
    renderJob();
    await user.click(await screen.findByRole('button', { name: 'Retry reply-7.eml' }));
    await waitFor(() => expect(screen.queryByRole('table', { name: 'Failed items' })).toBeNull());
    expect(fake.callsTo('jobs:retry-item')).toEqual([{ jobId: 'job1', itemId: 'item7' }]);
  });

  it('shows a failed read with a way to try again', async () => {
    const user = userEvent.setup();
    let attempt = 0;
    installFakeApi({
      'jobs:get': () => {
        if (++attempt === 1) throw new FakeError({ code: 'internal', message: 'Could not reach the Outreach Desk core. Restart the app.', retryable: true });
        return snapshot(1);
      },
    });
    renderJob();
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not reach the Outreach Desk core');
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(screen.getByTestId('job-view')).toBeTruthy());
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
