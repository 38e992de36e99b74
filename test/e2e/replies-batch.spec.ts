import Papa from 'papaparse';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Download, Page } from '@playwright/test';
import { CORPUS_FOUND, CORPUS_REPLIES, expect, goTo, openApp, saveScreen, test, connectFakeOpenAI } from './fixtures';
import { expectDefined } from '../helpers/expect-defined';

if (!CORPUS_FOUND) console.log('skipped: ../shared/corpus/replies not found');
test.skip(() => !CORPUS_FOUND, 'skipped: ../shared/corpus/replies not found');

const BOUNCES = ['cfortune__10.eml', 'cfortune__12.eml', 'cfortune__exchange1.eml', 'sisimai__lhost-amazonses-01.eml'];
const OUT_OF_OFFICE = ['cfortune__vac1.eml', 'cfortune__vac2.eml', 'sisimai__rfc3834-01.eml'];
const HUMAN = ['talon__gmail.eml', 'talon__outlook.eml', 'talon__thunderbird.eml', 'talon__yahoo.eml'];

/** A reply whose multipart body stops mid-part, as a cut-off export does; no rule can place it. */
const DAMAGED = [
  'From: Dana Okafor <dana@contoso.example>',
  'To: maya@northwind.example',
  'Subject: Re: Forecasts for Contoso',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="zz"',
  '',
  '--zz',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Thanks Maya, this looks rele',
].join('\r\n');

function corpusFile(folder: string, name: string): { name: string; mimeType: string; buffer: Buffer } {
  return { name, mimeType: 'message/rfc822', buffer: readFileSync(join(CORPUS_REPLIES, folder, name)) };
}

async function readDownload(download: Download): Promise<string> {
  return Buffer.concat(await (await download.createReadStream()).toArray()).toString('utf8');
}

async function exportRows(page: Page): Promise<Record<string, string>[]> {
  const download = page.waitForEvent('download');
  await page.getByTestId('job-view').getByRole('button', { name: 'Download results (CSV)' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^outreach-replies-.+\.csv$/);
  return Papa.parse<Record<string, string>>(await readDownload(file), { header: true, skipEmptyLines: true }).data;
}

/** Reaches the reply batch from the Batch tabs, or from the link on the Replies screen. */
async function openReplyBatch(page: Page, via: 'tab' | 'replies') {
  if (via === 'tab') {
    await goTo(page, 'Batch');
    await page.getByRole('tab', { name: 'Classify replies' }).click();
  } else {
    await goTo(page, 'Replies');
    await page.getByRole('button', { name: 'Run them as a batch job' }).click();
  }
  await expect(page.getByRole('tab', { name: 'Classify replies' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('heading', { name: '1. Choose replies' })).toBeVisible();
}

test('reply batch: .eml files, rules first, the model for the rest, pause, resume, a damaged message, retry, export', async ({ page, app }) => {
  // Many steps, each waiting for the job: on a busy two-core machine this takes over a minute.
  test.slow();
  await connectFakeOpenAI(app);
  await openApp(page, app);
  await openReplyBatch(page, 'replies');

  await page
    .getByLabel('Choose .eml or .mbox files')
    .setInputFiles([
      ...BOUNCES.map((n) => corpusFile('bounce', n)),
      ...OUT_OF_OFFICE.map((n) => corpusFile('out_of_office', n)),
      ...HUMAN.map((n) => corpusFile('human', n)),
      { name: 'damaged.eml', mimeType: 'message/rfc822', buffer: Buffer.from(DAMAGED) },
      { name: 'quarterly-report.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7') },
    ]);
  await expect(page.getByTestId('reply-batch-summary')).toContainText('12 files');
  await expect(page.getByText('Skipped quarterly-report.pdf: only .eml, .txt and .mbox files hold replies.')).toBeVisible();
  await expect(page.getByRole('list', { name: 'Chosen files' })).toContainText('and 4 more');
  await saveScreen(page, 'flow-batch-replies-chosen', 'light');

  // The first model call fails for good; the rest answer slowly, so the job can be paused mid-way.
  app.fakes.openai.script({
    status: 400,
    body: { error: { message: 'Unsupported parameter: temperature.', type: 'invalid_request_error', param: 'temperature', code: null } },
  });
  // Long enough that the counts can be read on a busy machine; Pause aborts the calls in flight.
  app.fakes.openai.setLatency(60_000);
  await page.getByRole('button', { name: 'Classify 12 files' }).click();

  const job = page.getByTestId('job-view');
  const counts = job.getByTestId('job-counts');
  await expect(job.getByRole('heading', { name: /2\. Classifying 12 replies/ })).toBeVisible();
  await expect(page.getByRole('progressbar', { name: 'Job progress' })).toBeVisible();
  // Rules settle the seven machine-made messages at once; the damaged one and the refused call fail.
  await expect(counts).toContainText('7 done');
  await expect(counts).toContainText('2 failed');
  await expect(counts).toContainText('3 to go');
  await expect(counts).toContainText(/(about \d+ (s|min)|a few seconds) left/);
  await expect(page.getByRole('progressbar', { name: 'Job progress' })).toHaveAttribute('aria-valuenow', '9');
  await saveScreen(page, 'flow-batch-replies-running', 'light');

  await job.getByRole('button', { name: 'Pause' }).click();
  await expect(job).toHaveAttribute('data-job-status', 'paused');
  await expect(counts).toContainText('7 done');
  await expect(counts).not.toContainText('left');

  app.fakes.openai.setLatency(0);
  await job.getByRole('button', { name: 'Resume' }).click();
  await expect(job).toHaveAttribute('data-job-status', 'completed');
  await expect(counts).toContainText('10 done');
  await expect(counts).toContainText('2 failed');

  const failed = page.getByRole('table', { name: 'Failed items' });
  const damagedRow = failed.getByRole('row').filter({ hasText: 'damaged.eml' });
  await expect(damagedRow).toContainText('Cannot classify: This message is damaged');
  await expect(damagedRow).toContainText('export it again');
  // Retrying the same bytes cannot help, so the row offers no Retry.
  await expect(damagedRow.getByRole('button', { name: /Retry/ })).toHaveCount(0);
  await expect(damagedRow).toContainText('Fix the input');
  const refusedRow = failed.getByRole('row').filter({ hasText: 'Invalid request' });
  await expect(refusedRow).toHaveCount(1);
  const refusedName = expectDefined(await refusedRow.getByRole('cell').first().textContent());
  expect(HUMAN).toContain(refusedName);
  await saveScreen(page, 'flow-batch-replies-failed', 'light');

  await refusedRow.getByRole('button', { name: `Retry ${refusedName}` }).click();
  await expect(counts).toContainText('11 done');
  await expect(counts).toContainText('1 failed');
  await expect(failed.getByRole('row')).toHaveCount(2);

  const rows = await exportRows(page);
  // Every file is a row, the damaged one too, with its status and error.
  expect(rows).toHaveLength(12);
  expect(rows.filter((r) => r.status === 'done')).toHaveLength(11);
  expect(rows.find((r) => r.file === 'damaged.eml')).toMatchObject({ status: 'failed', errorCode: 'validation', classification: '' });
  const by = (cls: string) => rows.filter((r) => r.classification === cls);
  expect(by('bounce')).toHaveLength(BOUNCES.length);
  expect(by('out_of_office')).toHaveLength(OUT_OF_OFFICE.length);
  for (const row of [...by('bounce'), ...by('out_of_office')]) expect(row.decidedBy).toBe('rules');
  const byModel = rows.filter((r) => r.decidedBy === 'model');
  expect(byModel).toHaveLength(HUMAN.length);
  expect(byModel.every((r) => r.provider === 'openai')).toBe(true);

  // The classified replies also join the Replies history.
  await goTo(page, 'Replies');
  await expect(page.getByRole('region', { name: 'History' }).getByRole('row')).toHaveCount(12);
});

test('reply batch, rules only: an mbox with a cut-off last message makes no model call', async ({ page, app }) => {
  await connectFakeOpenAI(app);
  await page.emulateMedia({ colorScheme: 'dark' });
  await openApp(page, app);
  await openReplyBatch(page, 'tab');

  const messages = [
    corpusFile('bounce', expectDefined(BOUNCES[0])),
    corpusFile('bounce', expectDefined(BOUNCES[1])),
    corpusFile('out_of_office', expectDefined(OUT_OF_OFFICE[0])),
    corpusFile('human', expectDefined(HUMAN[0])),
  ];
  // mboxrd: each message after a "From " line and before a blank line, with body lines starting "From " escaped.
  const asMboxEntry = (text: string) =>
    `${text
      .replace(/\r\n/g, '\n')
      .replace(/^(>*)From /gm, '>$1From ')
      .replace(/\n?$/, '\n')}\n`;
  const mbox =
    messages.map((m) => `From sender@example.com Thu Nov 26 10:00:00 2026\n${asMboxEntry(m.buffer.toString('latin1'))}`).join('') +
    `From dana@contoso.example Thu Nov 26 10:00:00 2026\n${DAMAGED.replace(/\r\n/g, '\n')}`;
  await page.getByLabel('Choose .eml or .mbox files').setInputFiles({ name: 'inbox.mbox', mimeType: 'application/mbox', buffer: Buffer.from(mbox, 'latin1') });
  await expect(page.getByTestId('reply-batch-summary')).toContainText('1 file');
  await expect(page.getByTestId('reply-batch-summary')).toContainText('1 mbox, split into messages when the job starts');
  await page.getByLabel('Rules only (no model calls)').check();
  await expect(page.getByText('everything else is marked undecided and costs nothing')).toBeVisible();
  await saveScreen(page, 'flow-batch-replies-chosen', 'dark');
  await page.getByRole('button', { name: 'Classify 1 file' }).click();

  const job = page.getByTestId('job-view');
  await expect(job.getByRole('heading', { name: /Classifying 5 replies/ })).toBeVisible();
  await expect(job).toHaveAttribute('data-job-status', 'completed');
  await expect(job.getByTestId('job-counts')).toContainText('4 done');
  await expect(job.getByTestId('job-counts')).toContainText('1 failed');
  await expect(page.getByRole('table', { name: 'Failed items' })).toContainText('inbox.mbox#5');
  await expect(page.getByRole('table', { name: 'Failed items' })).toContainText('This message is damaged');
  await saveScreen(page, 'flow-batch-replies-failed', 'dark');

  const rows = await exportRows(page);
  expect(rows.map((r) => r.classification || r.decidedBy || r.status)).toEqual(['bounce', 'bounce', 'out_of_office', 'undecided', 'failed']);
  expect(rows.map((r) => `${r.file}#${r.mboxIndex}`)).toEqual([1, 2, 3, 4, 5].map((n) => `inbox.mbox#${n}`));
  expect(app.fakes.openai.calls).toHaveLength(0);

  // The recent jobs list names the kind, and opening the job again comes back to this view.
  const recent = page.getByRole('region', { name: 'Recent jobs' });
  await expect(recent.getByRole('cell', { name: 'Reply classification' })).toBeVisible();
  await page.getByRole('button', { name: 'Start a new batch' }).click();
  await expect(page.getByRole('heading', { name: '1. Choose replies' })).toBeVisible();
  await page.getByRole('tab', { name: 'Draft for leads' }).click();
  await recent.getByRole('button', { name: 'View' }).click();
  await expect(page.getByRole('tab', { name: 'Classify replies' })).toHaveAttribute('aria-selected', 'true');
  await expect(job.getByTestId('job-counts')).toContainText('4 done');
});
