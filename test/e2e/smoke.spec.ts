import { expect, openApp, test } from './fixtures';

test('the shell opens and a real channel answers through window.api', async ({ page, app }) => {
  await openApp(page, app);
  await expect(page.getByRole('heading', { level: 1, name: 'Draft a sequence' })).toBeVisible();
  const info = await page.evaluate(async () => {
    const api = (window as unknown as { api: { invoke(c: string, i: unknown): Promise<{ ok: boolean; value: { version: string; dataDir: string } }> } }).api;
    return api.invoke('app:info', undefined);
  });
  expect(info.ok).toBe(true);
  expect(info.value.dataDir).toBe(app.dataDir);
  await expect(page.getByText('Version 0.1.0-e2e')).toBeVisible();
});
