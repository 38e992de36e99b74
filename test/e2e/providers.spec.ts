import { expect, goTo, openApp, saveScreen, test } from './fixtures';
import { expectDefined } from '../helpers/expect-defined';

test('first start: set a key and a base URL, then test the connection', async ({ page, app }) => {
  await openApp(page, app);
  await goTo(page, 'Settings');
  await page.getByRole('tab', { name: 'Providers' }).click();
  const card = page.locator('[data-provider="openai"]');
  await expect(card.getByTestId('key-status')).toHaveText('No key set');

  const key = 'sk-test-first-start-7a7a';
  await card.getByLabel('OpenAI API key').fill(key);
  await card.getByRole('button', { name: 'Save key' }).click();
  await expect(card.getByTestId('key-status')).toHaveText('Key set, ends in …7a7a (OS keychain)');
  await expect(card.getByLabel('New OpenAI API key')).toHaveValue('');
  expect(await page.content()).not.toContain(key);

  await card.getByLabel('Base URL').fill(app.fakes.baseURLFor('openai'));
  await card.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('OpenAI base URL saved')).toBeVisible();

  await card.getByRole('button', { name: 'Test connection' }).click();
  await expect(card.getByText('Connected')).toBeVisible();
  await expect(card.locator('.test-ok')).toContainText('gpt-');
  await expect(card.locator('.test-ok')).toContainText('Hello from the fake server.');
  // The fake saw our key in the vendor's own header: the key went from the page to the keychain to the call.
  const call = expectDefined(app.fakes.openai.calls.at(-1));
  expect(call.headers.authorization).toBe(`Bearer ${key}`);
  await saveScreen(page, 'flow-provider-connected', 'light');
});

test('a provider error shows its message: 401, then 529', async ({ page, app }) => {
  await app.call('settings:update-llm', {
    apiKeys: { anthropic: 'sk-ant-test-bad-0401' },
    settings: { baseUrls: { anthropic: app.fakes.baseURLFor('anthropic') } },
  });
  app.fakes.anthropic.script(
    { status: 401, body: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } } },
    { status: 529, body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } },
  );
  await openApp(page, app);
  await goTo(page, 'Settings');
  await page.getByRole('tab', { name: 'Providers' }).click();
  const card = page.locator('[data-provider="anthropic"]');

  await card.getByRole('button', { name: 'Test connection' }).click();
  const auth = card.locator('[data-error-code="auth"]');
  await expect(auth).toBeVisible();
  await expect(auth).toContainText('Key rejected');
  await expect(auth).toContainText(/Anthropic/);
  await expect(auth.getByRole('button', { name: 'Open Settings → Providers → Anthropic' })).toBeVisible();
  await saveScreen(page, 'flow-provider-401', 'light');

  await card.getByRole('button', { name: 'Test connection' }).click();
  const overloaded = card.locator('[data-error-code="overloaded"]');
  await expect(overloaded).toBeVisible();
  await expect(overloaded).toContainText('Provider overloaded');
  await expect(overloaded).toContainText(/overloaded/i);
  await saveScreen(page, 'flow-provider-529', 'light');
});
