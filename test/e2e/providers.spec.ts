import { expect, goTo, openApp, saveScreen, test } from './fixtures';

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
  const call = app.fakes.openai.calls.at(-1)!;
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

test('as a member, settings are read-only', async ({ page, app }) => {
  await app.call('settings:update-llm', { apiKeys: { openai: 'sk-test-member-view-4242' } });
  const member = await app.call('users:save', { name: 'Sam Rivera', role: 'member' });
  await openApp(page, app);
  await page.getByLabel('Profile', { exact: true }).selectOption(member.id);
  await expect(page.getByText('Switched to Sam Rivera (Member)')).toBeVisible();
  await goTo(page, 'Settings');
  await expect(page.getByText('You are a member: you can look')).toBeVisible();
  await expect(page.getByLabel('Organization name')).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Save' })).toHaveCount(0);

  await page.getByRole('tab', { name: 'Providers' }).click();
  await expect(page.getByText('provider settings are read-only')).toBeVisible();
  await expect(page.getByLabel('Default provider')).toBeDisabled();
  const card = page.locator('[data-provider="openai"]');
  await expect(card.getByTestId('key-status')).toHaveText('Key set, ends in …4242 (OS keychain)');
  await expect(page.getByLabel(/API key/)).toHaveCount(0);
  await expect(card.getByLabel('Base URL')).toBeDisabled();
  await expect(card.getByLabel('Default model')).toBeDisabled();

  await page.getByRole('tab', { name: 'Users and roles' }).click();
  await expect(page.getByLabel('Role of Sam Rivera')).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Add user' })).toHaveCount(0);
  await saveScreen(page, 'flow-member-settings', 'light');

  // The core refuses too: read-only is not only a matter of the screen.
  const refused = await page.evaluate(async () => {
    const api = (window as unknown as { api: { invoke(c: string, i: unknown): Promise<{ ok: boolean; error?: { code: string } }> } }).api;
    return api.invoke('settings:update-llm', { provider: 'groq' });
  });
  expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
});
