import { expect, goTo, openApp, saveScreen, test, connectFakeOpenAI } from './fixtures';

test('usage reflects the calls just made', async ({ page, app }) => {
  await connectFakeOpenAI(app);
  await app.call('org:update', { monthlyBudgetUsd: 10 });
  await openApp(page, app);
  await goTo(page, 'Usage');
  await expect(page.getByText('No calls in this period')).toBeVisible();

  // Two calls through the UI: a connection test and a pasted reply.
  await goTo(page, 'Settings');
  await page.getByRole('tab', { name: 'Providers' }).click();
  await page.locator('[data-provider="openai"]').getByRole('button', { name: 'Test connection' }).click();
  await expect(page.locator('[data-provider="openai"]').getByText('Connected')).toBeVisible();
  await goTo(page, 'Replies');
  await page.getByLabel('Reply text').fill('Interesting, send me pricing please.');
  await page.getByRole('button', { name: 'Classify' }).click();
  await expect(page.getByRole('article', { name: 'Classification of Pasted reply' })).toBeVisible();

  const summary = await app.call('usage:summary', { groupBy: 'provider' });
  expect(summary.totals.calls).toBe(2);
  expect(app.fakes.openai.calls).toHaveLength(2);

  await goTo(page, 'Usage');
  const table = page.getByTestId('usage-table');
  const openai = table.getByRole('row', { name: /OpenAI/ });
  await expect(openai.getByRole('cell').nth(1)).toHaveText('2');
  const tokens = summary.totals.inputTokens.toLocaleString('en-US');
  await expect(openai.getByRole('cell').nth(3)).toHaveText(tokens);
  await expect(page.locator('.stat').filter({ hasText: 'Calls' })).toContainText('2');
  await expect(page.locator('canvas')).toBeVisible();
  await expect(page.getByRole('progressbar', { name: 'Spend against the monthly budget' })).toBeVisible();
  await expect(page.getByText('of $10.00')).toBeVisible();

  await page.getByRole('button', { name: 'By model' }).click();
  await page.getByRole('button', { name: 'Tokens' }).click();
  await expect(page.getByRole('heading', { name: 'Tokens per day' })).toBeVisible();
  await page.getByLabel('Group by').selectOption('operation');
  await expect(table.getByRole('row', { name: /Connection test/ })).toBeVisible();
  await expect(table.getByRole('row', { name: /Reply classification/ })).toBeVisible();

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const file = await download;
  const csv = await (await file.createReadStream()).toArray();
  const text = Buffer.concat(csv).toString('utf8');
  expect(text.trim().split(/\r?\n/)).toHaveLength(3);
  expect(text).not.toContain('sk-test');
  await saveScreen(page, 'flow-usage-after-calls', 'light');
});
