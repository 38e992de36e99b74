import { expect, goTo, openApp, saveScreen, seriousA11yViolations, test } from './fixtures';

for (const theme of ['light', 'dark'] as const) {
  test(`a timeout names the provider's Timeout field, which saves and bounds its calls (${theme})`, async ({ page, app }) => {
    await app.call('settings:update-llm', {
      apiKeys: { groq: 'gsk-test-timeout-0123456789' },
      settings: { baseUrls: { groq: app.fakes.baseURLFor('groq') }, timeouts: { groq: 5 } },
    });
    app.fakes.openai.script({ hang: true });
    await page.emulateMedia({ colorScheme: theme });
    await openApp(page, app);
    await goTo(page, 'Settings');
    await page.getByRole('tab', { name: 'Providers' }).click();
    const card = page.locator('[data-provider="groq"]');
    const field = card.getByLabel('Timeout (seconds)');
    await expect(field).toHaveValue('5');

    await card.getByRole('button', { name: 'Test connection' }).click();
    const timeout = card.locator('[data-error-code="timeout"]');
    await expect(timeout).toBeVisible({ timeout: 30_000 });
    await expect(timeout).toContainText('Groq did not answer within 5 s. Try again, raise the timeout in Settings → Providers → Groq, or switch provider.');
    await field.fill('300');
    await card.getByRole('button', { name: 'Save timeout' }).click();
    await expect(page.getByText('Groq timeout set to 300 s')).toBeVisible();
    await card.scrollIntoViewIfNeeded();
    await saveScreen(page, 'settings-provider-timeout', theme);
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect((await app.call('settings:get-llm', undefined)).settings.timeouts).toEqual({ groq: 300 });
  });
}
