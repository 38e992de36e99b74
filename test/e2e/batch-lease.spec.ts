import { spawn, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { expect, goTo, openApp, saveScreen, test, connectFakeOpenAI, type TestApp } from './fixtures';
import { expectDefined } from '../helpers/expect-defined';

/** A process that stands for the CLI running a job: alive until killed. */
function startStandIn(): ChildProcess {
  return spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { stdio: 'ignore' });
}

/**
 * A drafting job of three leads, made by the job service as any door makes it, then marked
 * running and leased to `pid` as the CLI: exactly as a CLI run leaves it in the shared data folder.
 */
function leaseJobToCli(app: TestApp, pid: number): string {
  const { records, jobs } = app.core.services;
  const profile = records.profiles.save({ companyName: 'Northwind', valueProposition: 'Forecasts you can trust', senderName: 'Maya' });
  const leadIds = ['Dana', 'Lee', 'Sam'].map(
    (firstName) => records.leads.save({ firstName, company: 'Contoso', email: `${firstName.toLowerCase()}@contoso.example` }).id,
  );
  const job = jobs.createGenerate(
    { leadIds, businessProfileId: profile.id, options: { numberOfSteps: 2, channels: ['email'], includeSubjects: true }, provider: 'openai' },
    { start: false },
  );
  const store = app.core.store;
  const claim = { owner: 'cli-stand-in', pid, program: 'cli' as const, host: hostname() };
  store.jobs.acquireLease(job.id, claim, () => false);
  store.jobs.leased(job.id, claim.owner).setStatus('running');
  return job.id;
}

for (const theme of ['light', 'dark'] as const) {
  test(`a job running in the CLI is shown as such and not touched; once that process is gone, Resume carries on here (${theme})`, async ({ page, app }) => {
    await connectFakeOpenAI(app);
    const cli = startStandIn();
    try {
      const jobId = leaseJobToCli(app, expectDefined(cli.pid));
      await page.emulateMedia({ colorScheme: theme });
      await openApp(page, app);
      await goTo(page, 'Batch');
      await page.getByRole('region', { name: 'Recent jobs' }).getByRole('button', { name: 'View' }).click();
      const job = page.getByTestId('job-view');
      await expect(job.getByTestId('job-holder')).toContainText(`Running in the CLI (pid ${cli.pid}) since`);
      await expect(job.getByRole('button', { name: 'Pause' })).toHaveCount(0);
      await expect(job.getByRole('button', { name: 'Cancel job' })).toHaveCount(0);
      await saveScreen(page, 'batch-job-running-elsewhere', theme);

      // The Resume of the host's API is refused the same way, naming the holder, and changes nothing.
      const refused = await app.core.dispatch('jobs:resume', { id: jobId }, { emit: () => undefined });
      expect(refused.ok ? '' : refused.error.message).toMatch(new RegExp(`is already running in the CLI \\(pid ${cli.pid}\\) since \\d\\d:\\d\\d`));
      expect(app.fakes.openai.calls).toHaveLength(0);

      // The CLI is killed: the view says the job was interrupted and offers Resume.
      const exited = new Promise((resolve) => cli.once('exit', resolve));
      cli.kill('SIGKILL');
      await exited;
      await page.reload();
      await goTo(page, 'Batch');
      await page.getByRole('region', { name: 'Recent jobs' }).getByRole('button', { name: 'View' }).click();
      await expect(job.getByTestId('job-interrupted')).toContainText(`Interrupted: the CLI (pid ${cli.pid})`);
      await saveScreen(page, 'batch-job-interrupted', theme);
      await job.getByRole('button', { name: 'Resume' }).click();
      await expect(job).toHaveAttribute('data-job-status', 'completed');
      await expect(job.getByTestId('job-counts')).toContainText('3 done');
      await expect(job.getByTestId('job-interrupted')).toHaveCount(0);
      expect(app.core.store.jobs.lease(jobId)).toBeNull();
      await saveScreen(page, 'batch-job-resumed-here', theme);
    } finally {
      cli.kill('SIGKILL');
    }
  });
}
