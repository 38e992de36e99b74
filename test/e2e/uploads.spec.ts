import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, Route } from '@playwright/test';
import { UPLOAD_CHUNK_BYTES } from '../../shared/ipc/uploads';
import { expect, goTo, MAIL_DIR, openApp, saveScreen, seriousA11yViolations, test } from './fixtures';
import { expectDefined } from '../helpers/expect-defined';

// The smallest window the app promises to fit.
test.use({ viewport: { width: 1024, height: 700 } });

const MB = 1024 * 1024;

/** The bridge's HTTP call for one chunk (the channel name is percent-encoded in the path). */
const isChunkCall = (url: URL) => url.pathname === '/api/uploads%3Achunk';

/** What is left in the data folder's uploads: nothing, once every upload was used or discarded. */
function uploadsLeft(dataDir: string): string[] {
  const folder = join(dataDir, 'uploads');
  return existsSync(folder) ? readdirSync(folder) : [];
}

/**
 * Holds the `n`th uploads:chunk call (1-based) until `release` is called, so the test can look at
 * the page while an upload is part way: no timing, the upload waits for the test.
 */
async function holdChunk(page: Page, n: number): Promise<{ reached: Promise<void>; release(): void }> {
  let count = 0;
  let reached!: () => void;
  let release!: () => void;
  const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route(isChunkCall, async (route: Route) => {
    if (++count === n) {
      reached();
      await released;
    }
    await route.continue();
  });
  return { reached: reachedPromise, release };
}

/** A lead file of 2.4 MB: three chunks. */
function bigLeadCsv(rows: number): Buffer {
  const lines = ['First name,Last name,Email,Company,Notes'];
  for (let i = 1; i <= rows; i++)
    lines.push(`Lead${i},Surname${i},lead${i}@example.com,Company ${i % 500},"A note long enough to make the file weigh a few MB, row ${i}"`);
  return Buffer.from(`${lines.join('\n')}\n`);
}

/** An mbox of 2.5 MB: two machine-made replies the rules decide, and two long human ones. */
function bigMbox(): Buffer {
  const mail = (name: string) => readFileSync(join(MAIL_DIR, name), 'utf8').replace(/\r\n/g, '\n');
  const long = (n: number) =>
    `From: lead${n}@example.com\nTo: maya@northwind.example\nSubject: Re: forecasts ${n}\n\n${`Thanks Maya, here is our whole forecast history.\n`.repeat(26_000)}`;
  const messages = [mail('bounce-dsn.eml'), mail('out-of-office.eml'), long(1), long(2)];
  return Buffer.from(messages.map((m) => `From sender@example.com Thu Nov 26 10:00:00 2026\n${m.replace(/^From /gm, '>From ')}\n`).join(''));
}

test('a 2.4 MB lead file goes up in chunks with a progress bar, and is imported', async ({ page, app }) => {
  await app.call('profiles:save', { companyName: 'Northwind Analytics', valueProposition: 'Forecasting finance teams trust.', senderName: 'Maya Chen' });
  const csv = bigLeadCsv(25_000);
  expect(csv.length).toBeGreaterThan(2 * UPLOAD_CHUNK_BYTES);
  await openApp(page, app);
  await goTo(page, 'Batch');

  const held = await holdChunk(page, 2);
  await page.getByLabel('Choose a CSV file').setInputFiles({ name: 'crm-export.csv', mimeType: 'text/csv', buffer: csv });
  await held.reached;
  // The first chunk is in; the second waits.
  const bar = page.getByRole('progressbar', { name: 'Lead file upload' });
  await expect(bar).toHaveAttribute('aria-valuenow', String(UPLOAD_CHUNK_BYTES));
  await expect(bar).toHaveAttribute('aria-valuemax', String(csv.length));
  await expect(bar).toHaveAttribute('aria-valuetext', `1.0 MB of ${(csv.length / MB).toFixed(1)} MB sent`);
  await expect(page.getByTestId('upload-progress')).toContainText('Sending crm-export.csv…');
  await expect(page.getByTestId('csv-dropzone')).toContainText('Sending crm-export.csv…');
  await saveScreen(page, 'upload-batch-csv-sending', 'light');
  expect(await seriousA11yViolations(page)).toEqual([]);
  held.release();

  await expect(page.getByTestId('csv-reading')).toHaveText('25,000 rows, read as UTF-8, separated by comma.');
  await expect(bar).toHaveCount(0);
  await expect(page.getByText('Loaded crm-export.csv')).toBeVisible();
  await saveScreen(page, 'upload-batch-csv-sent', 'light');
  await page.getByRole('button', { name: 'Import 25,000 leads' }).click();
  await expect(page.getByTestId('import-summary')).toContainText('25,000 imported');
  await expect(page.getByRole('button', { name: 'Draft 25,000 sequences' })).toBeVisible();
  expect((await app.call('leads:list', { query: 'lead24999@' })).items[0]).toMatchObject({ firstName: 'Lead24999', company: 'Company 499' });
  // Imported: the core deleted the upload.
  expect(uploadsLeft(app.dataDir)).toEqual([]);
});

test('a 2.5 MB mbox goes up in chunks with a progress bar, and becomes a reply batch read in place', async ({ page, app }) => {
  const mbox = bigMbox();
  expect(mbox.length).toBeGreaterThan(2 * UPLOAD_CHUNK_BYTES);
  await openApp(page, app);
  await goTo(page, 'Batch');
  await page.getByRole('tab', { name: 'Classify replies' }).click();
  await page.getByLabel('Choose .eml or .mbox files').setInputFiles([
    { name: 'inbox.mbox', mimeType: 'application/mbox', buffer: mbox },
    { name: 'bounce-mailbox-full.eml', mimeType: 'message/rfc822', buffer: readFileSync(join(MAIL_DIR, 'bounce-mailbox-full.eml')) },
  ]);
  await page.getByLabel('Rules only (no model calls)').check();
  const total = mbox.length + readFileSync(join(MAIL_DIR, 'bounce-mailbox-full.eml')).length;

  const held = await holdChunk(page, 3);
  await page.getByRole('button', { name: 'Classify 2 files' }).click();
  await held.reached;
  const bar = page.getByRole('progressbar', { name: 'Reply files upload' });
  await expect(bar).toHaveAttribute('aria-valuenow', String(2 * UPLOAD_CHUNK_BYTES));
  await expect(bar).toHaveAttribute('aria-valuemax', String(total));
  await expect(page.getByTestId('upload-progress')).toContainText('Sending inbox.mbox…');
  await expect(page.getByRole('button', { name: 'Sending…' })).toBeDisabled();
  await saveScreen(page, 'upload-reply-batch-sending', 'light');
  expect(await seriousA11yViolations(page)).toEqual([]);
  held.release();

  const job = page.getByTestId('job-view');
  await expect(job.getByRole('heading', { name: /Classifying 5 replies/ })).toBeVisible();
  await expect(job).toHaveAttribute('data-job-status', 'completed');
  await expect(job.getByTestId('job-counts')).toContainText('5 done');
  await saveScreen(page, 'upload-reply-batch-sent', 'light');
  const jobs = await app.call('jobs:list', undefined);
  const detail = await app.call('jobs:get', { id: expectDefined(jobs[0]).id });
  expect(detail.items.map((i) => i.input.name)).toEqual(['inbox.mbox#1', 'inbox.mbox#2', 'inbox.mbox#3', 'inbox.mbox#4', 'bounce-mailbox-full.eml']);
  const replies = await app.call('replies:list', {});
  expect(replies.items.map((r) => r.classification ?? r.decidedBy).sort()).toEqual(['bounce', 'bounce', 'out_of_office', 'undecided', 'undecided']);
  // Done with its files, the job deleted them.
  expect(uploadsLeft(app.dataDir)).toEqual([]);
});

test('an upload cut off part way says where it stopped and what to do, and leaves nothing behind', async ({ page, app }) => {
  await openApp(page, app);
  await goTo(page, 'Batch');
  let count = 0;
  await page.route(isChunkCall, async (route) => {
    // The host is gone after the first chunk (stopped, or the laptop slept).
    if (++count === 2) await route.abort('connectionreset');
    else await route.continue();
  });
  const csv = bigLeadCsv(25_000);
  await page.getByLabel('Choose a CSV file').setInputFiles({ name: 'crm-export.csv', mimeType: 'text/csv', buffer: csv });
  const alert = page.getByRole('alert');
  await expect(alert).toContainText(
    `Uploading crm-export.csv stopped at 1.0 MB of ${(csv.length / MB).toFixed(1)} MB. The Outreach Desk host is not reachable: restart it with npm run preview:web and reload this page. Then choose the file again: it is sent again from the start.`,
  );
  await expect(page.getByRole('progressbar', { name: 'Lead file upload' })).toHaveCount(0);
  await saveScreen(page, 'upload-batch-csv-failed', 'light');
  // What was sent is discarded (the page asks the core to, without waiting).
  await expect.poll(() => uploadsLeft(app.dataDir)).toEqual([]);
  await page.unroute(isChunkCall);
  await page.getByLabel('Choose a CSV file').setInputFiles({ name: 'crm-export.csv', mimeType: 'text/csv', buffer: csv });
  await expect(page.getByTestId('csv-reading')).toHaveText('25,000 rows, read as UTF-8, separated by comma.');
  await expect(alert).toHaveCount(0);
});

test('leaving the reply batch form mid-upload stops the upload: no job is made, nothing is left', async ({ page, app }) => {
  await openApp(page, app);
  await goTo(page, 'Batch');
  await page.getByRole('tab', { name: 'Classify replies' }).click();
  await page.getByLabel('Choose .eml or .mbox files').setInputFiles({ name: 'inbox.mbox', mimeType: 'application/mbox', buffer: bigMbox() });
  const held = await holdChunk(page, 2);
  await page.getByRole('button', { name: 'Classify 1 file' }).click();
  await held.reached;
  await expect(page.getByRole('progressbar', { name: 'Reply files upload' })).toHaveAttribute('aria-valuenow', String(UPLOAD_CHUNK_BYTES));
  await page.getByRole('tab', { name: 'Draft for leads' }).click();
  await expect(page.getByRole('heading', { name: '1. Import leads' })).toBeVisible();
  held.release();
  // The chunk in flight lands, then the upload stops there and is discarded.
  await expect.poll(() => uploadsLeft(app.dataDir)).toEqual([]);
  expect(await app.call('jobs:list', undefined)).toEqual([]);
  await expect(page.getByRole('alert')).toHaveCount(0);
});
