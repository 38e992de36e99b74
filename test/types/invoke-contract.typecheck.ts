/**
 * Compile-time checks of the typed door into the core (`npm run typecheck` compiles this file
 * with the test project; nothing runs it). Each `@ts-expect-error` line must stay an error: if
 * the types loosen so that a wrong call compiles, tsc fails on the unused directive. The CLI,
 * the renderer and the tests call the core through these same types, so a change to a
 * channel's schemas breaks their compile, not their run.
 */
import type { Job } from '../../shared/domain/records';
import { isEvent, type EventName } from '../../shared/ipc/events';
import type { Invoke } from '../../shared/ipc/invoke';
import type { Core } from '../../electron/core';
import { call } from '../../renderer/src/lib/api';

declare const core: Core;
declare const event: EventName;
declare const payload: unknown;

export async function coreInvokeIsTyped(): Promise<void> {
  // The output is the channel's own type: no cast, and a wrong use is a compile error.
  const jobs: Job[] = await core.invoke('jobs:list', undefined);
  const job: Job = await core.invoke('jobs:cancel', { id: 'job-1' });
  const summary = await core.invoke('usage:summary', { groupBy: 'provider' });
  const calls: number = summary.totals.calls;
  void [jobs, job, calls];

  // @ts-expect-error: jobs:list answers with a list of jobs, not one job
  const notOne: Job = await core.invoke('jobs:list', undefined);
  // @ts-expect-error: a job has no "name"
  void (await core.invoke('jobs:resume', { id: 'job-1' })).name;
  // @ts-expect-error: the usage summary's calls are a number
  const notText: string = summary.totals.calls;
  void [notOne, notText];

  // @ts-expect-error: jobs:resume needs an id
  await core.invoke('jobs:resume', {});
  // @ts-expect-error: an id is a string
  await core.invoke('jobs:resume', { id: 7 });
  // @ts-expect-error: the contract has no such channel
  await core.invoke('jobs:explode', undefined);
  // @ts-expect-error: usage is grouped by day, provider, model, operation or user, not by week
  await core.invoke('usage:summary', { groupBy: 'week' });
  // @ts-expect-error: a drafting request names its channels from the contract's list
  await core.invoke('sequences:generate', { requestId: 'r-1', options: { numberOfSteps: 1, channels: ['fax'] } });

  // The handler context is optional, and its emit is the contract's.
  await core.invoke(
    'sequences:generate',
    { requestId: 'r-1', options: { numberOfSteps: 1, channels: ['email'] } },
    {
      emit: (name, data) => {
        if (isEvent('llm:stream', name, data)) void data.part.type;
        // @ts-expect-error: a payload is unknown until its event is checked
        void data.part;
      },
    },
  );
  // @ts-expect-error: ctx must be a handler context
  await core.invoke('jobs:list', undefined, { emit: 1 });
}

export async function rendererCallIsTyped(): Promise<void> {
  const typed: Invoke = call;
  const jobs: Job[] = await typed('jobs:list', undefined);
  void jobs;
  // @ts-expect-error: the renderer's call has the same contract: jobs:cancel answers with one job
  const many: Job[] = await call('jobs:cancel', { id: 'job-1' });
  // @ts-expect-error: and takes the same input
  await call('jobs:cancel', { jobId: 'job-1' });
  void many;
}

export function eventsNarrowByName(): void {
  if (isEvent('jobs:progress', event, payload)) {
    const done: number = payload.done;
    void done;
    // @ts-expect-error: a progress event has no stream part
    void payload.part;
  }
}
