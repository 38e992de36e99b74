import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, goTo, MAIL_DIR, openApp, saveScreen, seriousA11yViolations, test } from './fixtures';
import { seedWorkspace } from './seed';

const THEMES = ['light', 'dark'] as const;

// The smallest window the app promises to fit.
test.use({ viewport: { width: 1024, height: 700 } });

async function settingsTab(page: Page, name: string) {
  await page.getByRole('tab', { name }).click();
  await expect(page.getByRole('tab', { name })).toHaveAttribute('aria-selected', 'true');
}

async function check(page: Page, screen: string, theme: 'light' | 'dark') {
  await saveScreen(page, screen, theme);
  expect(await seriousA11yViolations(page), `axe on ${screen} (${theme})`).toEqual([]);
}

for (const theme of THEMES) {
  test(`every screen in the ${theme} theme: screenshot and no serious accessibility violations`, async ({ page, app }) => {
    await seedWorkspace(app);
    await page.emulateMedia({ colorScheme: theme });
    await openApp(page, app);

    await page.getByLabel('Business profile').selectOption({ index: 0 });
    await expect(page.getByText('No draft yet')).toBeVisible();
    await check(page, 'draft-empty', theme);

    await goTo(page, 'Sequences');
    await expect(page.getByRole('button', { name: 'Dana Okafor · Contoso Retail' })).toBeVisible();
    await check(page, 'sequences', theme);

    await page.getByRole('button', { name: 'Dana Okafor · Contoso Retail' }).click();
    await expect(page.getByRole('list', { name: 'Sequence steps' }).getByRole('listitem')).toHaveCount(3);
    await check(page, 'draft', theme);

    await goTo(page, 'Replies');
    await expect(page.getByRole('table').getByText('Out of office')).toBeVisible();
    await check(page, 'replies', theme);

    await goTo(page, 'Batch');
    await expect(page.getByRole('button', { name: 'Choose a CSV file' })).toBeVisible();
    await check(page, 'batch', theme);

    await page.getByRole('tab', { name: 'Classify replies' }).click();
    await page
      .getByLabel('Choose .eml or .mbox files')
      .setInputFiles(
        ['bounce-dsn.eml', 'bounce-mailbox-full.eml'].map((name) => ({ name, mimeType: 'message/rfc822', buffer: readFileSync(join(MAIL_DIR, name)) })),
      );
    await page.getByLabel('Rules only (no model calls)').check();
    await expect(page.getByTestId('reply-batch-summary')).toContainText('2 files');
    await check(page, 'batch-replies-chosen', theme);
    await page.getByRole('button', { name: 'Classify 2 files' }).click();
    await expect(page.getByTestId('job-view')).toHaveAttribute('data-job-status', 'completed');
    await expect(page.getByRole('button', { name: 'Download results (CSV)' })).toBeEnabled();
    await check(page, 'batch-replies-job', theme);

    await goTo(page, 'Usage');
    await expect(page.getByTestId('usage-table')).toBeVisible();
    await expect(page.locator('canvas')).toBeVisible();
    await check(page, 'usage', theme);

    await goTo(page, 'Settings');
    await expect(page.getByLabel('Organization name')).toHaveValue('Northwind Sales');
    await check(page, 'settings-organization', theme);

    await settingsTab(page, 'Providers');
    await expect(page.locator('[data-provider="openai"]').getByTestId('key-status')).toHaveText('Key set, ends in …0001 (OS keychain)');
    await check(page, 'settings-providers', theme);

    await settingsTab(page, 'Users');
    await expect(page.getByRole('cell', { name: 'Sam Rivera', exact: true })).toBeVisible();
    await check(page, 'settings-users', theme);

    await settingsTab(page, 'Business profiles');
    await expect(page.getByText('Northwind Analytics')).toBeVisible();
    await check(page, 'settings-profiles', theme);

    await settingsTab(page, 'Templates');
    await expect(page.getByText('Three-touch intro')).toBeVisible();
    await check(page, 'settings-templates', theme);
  });
}

test('error states: a refused profile switch, and a job download the host never got', async ({ page, app }) => {
  await seedWorkspace(app);
  await openApp(page, app);

  // Sam's profile is removed elsewhere (the CLI, another window) while this header still lists it.
  const sam = (await app.call('users:list', undefined)).find((u) => u.name === 'Sam Rivera');
  expect(sam).toBeDefined();
  await app.call('users:delete', { id: sam?.id ?? '' });
  await page.getByLabel('Profile', { exact: true }).selectOption({ label: 'Sam Rivera' });
  const refused = page.getByRole('main').getByRole('alert');
  await expect(refused).toContainText('That profile does not exist in this organization.');
  await check(page, 'error-profile-switch', 'light');
  // The failure belongs to the screen it happened on.
  await goTo(page, 'Replies');
  await expect(refused).toHaveCount(0);

  await goTo(page, 'Batch');
  await page.getByRole('tab', { name: 'Classify replies' }).click();
  await page
    .getByLabel('Choose .eml or .mbox files')
    .setInputFiles(
      ['bounce-dsn.eml', 'bounce-mailbox-full.eml'].map((name) => ({ name, mimeType: 'message/rfc822', buffer: readFileSync(join(MAIL_DIR, name)) })),
    );
  await page.getByLabel('Rules only (no model calls)').check();
  await page.getByRole('button', { name: 'Classify 2 files' }).click();
  const job = page.getByTestId('job-view');
  await expect(job).toHaveAttribute('data-job-status', 'completed');
  await page.route(
    (url) => decodeURIComponent(url.pathname) === '/api/jobs:export',
    (route) => route.abort('connectionrefused'),
  );
  await job.getByRole('button', { name: 'Download results (CSV)' }).click();
  await expect(job.getByRole('alert')).toContainText('The Outreach Desk host is not reachable');
  await expect(job.getByRole('button', { name: 'Download results (CSV)' })).toBeEnabled();
  await check(page, 'error-batch-job-download', 'light');
});
