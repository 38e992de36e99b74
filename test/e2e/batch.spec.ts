import Papa from 'papaparse';
import type { Download } from '@playwright/test';
import { expect, goTo, openApp, saveScreen, test, connectFakeOpenAI } from './fixtures';
import { expectDefined } from '../helpers/expect-defined';

const CSV = [
  'First Name;Last Name;E-mail;Company;Title;Favourite colour',
  'Dana;Okafor;dana@contoso.example;Contoso Retail;CFO;teal',
  'Lee;Park;lee@fabrikam.example;Fabrikam;Head of FP&A;red',
  'Ana;Souza;ana@tailspin.example;"Tailspin; Toys";Controller;blue',
  'Bob;Stone;not-an-email;Litware;CFO;green',
  'Kim;Lau;kim@adatum.example;Adatum;VP Finance;',
  'Omar;Haddad;omar@wingtip.example;Wingtip;Finance Director;gold',
  'Ida;Berg;ida@northwind.example;Proseware;CFO;',
].join('\r\n');

async function readDownload(download: Download): Promise<string> {
  return Buffer.concat(await (await download.createReadStream()).toArray()).toString('utf8');
}

test('batch: import a CSV with a mapping step, run a job, pause, resume, retry a failed item, export', async ({ page, app }) => {
  // Many steps, each waiting for the job: on a busy two-core machine this takes over a minute.
  test.slow();
  await connectFakeOpenAI(app);
  await app.call('profiles:save', { companyName: 'Northwind Analytics', valueProposition: 'Forecasting finance teams trust.', senderName: 'Maya Chen' });
  await openApp(page, app);
  await goTo(page, 'Batch');

  await page.getByLabel('Choose a CSV file').setInputFiles({ name: 'leads.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
  await expect(page.getByText('Loaded leads.csv')).toBeVisible();
  await expect(page.getByTestId('csv-reading')).toHaveText('7 rows, read as UTF-8, separated by semicolon.');
  await page.getByLabel('Lead field for column Title').selectOption('jobTitle');
  await page.getByLabel('Lead field for column E-mail').selectOption('email');
  await expect(page.getByLabel('Lead field for column Favourite colour')).toHaveValue('custom');
  await saveScreen(page, 'flow-batch-mapping', 'light');
  await page.getByRole('button', { name: 'Import 7 leads' }).click();

  const summary = page.getByTestId('import-summary');
  await expect(summary).toContainText('6 imported');
  await expect(summary).toContainText('1 rows with errors');
  const errors = page.getByRole('table', { name: 'Rows that could not be imported' });
  await expect(errors).toContainText('"not-an-email" is not a valid email address');
  const errorsDownload = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download the errors as CSV' }).click();
  expect(await readDownload(await errorsDownload)).toContain('not-an-email');

  // The first lead's call fails for good; the rest are slow enough to pause in the middle.
  app.fakes.openai.script({
    status: 400,
    body: { error: { message: 'Unsupported parameter: temperature.', type: 'invalid_request_error', param: 'temperature', code: null } },
  });
  // Long enough to read the counts and press Pause on a busy machine; Pause aborts the call in flight.
  app.fakes.openai.setLatency(60_000);
  await page.getByLabel('Steps per lead').fill('2');
  await page.getByLabel('Parallel requests').fill('1');
  await page.getByRole('button', { name: 'Draft 6 sequences' }).click();

  const job = page.getByTestId('job-view');
  await expect(job).toHaveAttribute('data-job-status', 'running');
  await expect(page.getByRole('progressbar', { name: 'Job progress' })).toBeVisible();
  await expect(job.getByTestId('job-counts')).toContainText('1 failed');
  await saveScreen(page, 'flow-batch-running', 'light');
  await job.getByRole('button', { name: 'Pause' }).click();
  await expect(job).toHaveAttribute('data-job-status', 'paused');
  await expect(job.getByRole('button', { name: 'Resume' })).toBeVisible();
  const pausedDone = await app.call('jobs:get', { id: expectDefined((await app.call('jobs:list', undefined))[0]).id });
  expect(pausedDone.progress.done).toBeLessThan(5);
  await saveScreen(page, 'flow-batch-paused', 'light');
  app.fakes.openai.setLatency(400);

  await job.getByRole('button', { name: 'Resume' }).click();
  await expect(job).toHaveAttribute('data-job-status', 'completed', { timeout: 20_000 });
  await expect(job.getByTestId('job-counts')).toContainText('5 done');
  await expect(job.getByTestId('job-counts')).toContainText('1 failed');

  const failed = page.getByRole('table', { name: 'Failed items' });
  await expect(failed).toContainText('Invalid request');
  app.fakes.openai.setLatency(0);
  await failed.getByRole('button', { name: 'Retry' }).click();
  await expect(job.getByTestId('job-counts')).toContainText('6 done');
  await expect(job.getByTestId('job-counts')).toContainText('0 failed');
  await expect(failed).toHaveCount(0);
  await saveScreen(page, 'flow-batch-completed', 'light');

  const csvDownload = page.waitForEvent('download');
  await job.getByRole('button', { name: 'Download' }).click();
  const perLead = Papa.parse<Record<string, string>>(await readDownload(await csvDownload), { header: true, skipEmptyLines: true });
  expect(perLead.data).toHaveLength(6);
  expect(perLead.meta.fields).toEqual(expect.arrayContaining(['step_1_subject', 'step_1_body', 'step_2_body', 'step_2_delay_days']));
  expect(perLead.data.map((r) => r.step_1_body).join('\n')).toContain('{{firstName}}');

  await job.getByLabel('Export format').selectOption('json');
  await job.getByLabel('Fill placeholders from each lead').check();
  const jsonDownload = page.waitForEvent('download');
  await job.getByRole('button', { name: 'Download' }).click();
  const json = await readDownload(await jsonDownload);
  expect(json).toContain('Dana');
  expect(json).not.toContain('{{firstName}}');

  await expect(page.getByRole('region', { name: 'Recent jobs' }).getByText('Completed')).toBeVisible();
});
