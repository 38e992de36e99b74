import { expect, goTo, openApp, saveScreen, seriousA11yViolations, test, type TestApp } from './fixtures';
import { expectDefined } from '../helpers/expect-defined';

const COUNT = 10_000;
const STATUSES = ['draft', 'approved', 'archived'] as const;

/** "Sequence 00042 · Cedar Retail": zero-padded so a search for one number matches one title. */
function titleOf(n: number): string {
  return `Sequence ${String(n).padStart(5, '0')} · ${['Cedar', 'Birch', 'Maple', 'Aspen'][n % 4]} Retail`;
}

/** Saves 10,000 sequences in one transaction, straight through the store: the list is under test, not the save channel. */
function seedSequences(app: TestApp): void {
  const sequences = app.core.store.forOrg(app.core.store.orgs.ensureFirstRun().org.id).sequences;
  const steps = [
    {
      step: 1,
      delay_days: 0,
      channel: 'email' as const,
      subject: 'Forecasts for {{company}}',
      body: 'Hi {{firstName}}, finance teams like yours cut forecast time in half.',
    },
    { step: 2, delay_days: 3, channel: 'email' as const, subject: 'Worth a look?', body: 'Hi {{firstName}}, would a 15-minute call next week suit you?' },
  ];
  app.core.store.transaction(() => {
    for (let n = 1; n <= COUNT; n++) {
      sequences.save({ title: titleOf(n), status: expectDefined(STATUSES[n % 3]), steps, provider: 'openai', model: 'gpt-6-sol' });
    }
  });
}

test.use({ viewport: { width: 1280, height: 800 } });

test('sequences: 10,000 rows, virtualized, scroll to the end, search, filter, open', async ({ page, app }) => {
  seedSequences(app);
  await openApp(page, app);
  await goTo(page, 'Sequences');

  await expect(page.getByTestId('sequence-count')).toHaveText('10,000 saved sequences');
  const list = page.getByRole('list', { name: 'Saved sequences' });
  const rows = list.getByRole('listitem');
  // Newest first: the last one saved heads the list.
  await expect(rows.first()).toContainText(titleOf(COUNT));
  await expect(rows.first()).toHaveAttribute('aria-posinset', '1');
  await expect(rows.first()).toHaveAttribute('aria-setsize', String(COUNT));
  // Only a window of the rows is in the DOM.
  expect(await rows.count()).toBeLessThan(100);
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await saveScreen(page, 'sequences-10k', theme);
    expect(await seriousA11yViolations(page), `axe on the 10k list (${theme})`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });

  // The keyboard reaches the very end: the oldest row, fetched from its page on arrival.
  await list.focus();
  await page.keyboard.press('End');
  const oldest = list.getByRole('button', { name: titleOf(1), exact: true });
  await expect(oldest).toBeVisible();
  await expect(rows.filter({ has: page.getByRole('button', { name: titleOf(1), exact: true }) })).toHaveAttribute('aria-posinset', String(COUNT));
  expect(await rows.count()).toBeLessThan(100);
  await saveScreen(page, 'sequences-10k-end', 'light');

  await page.keyboard.press('Home');
  await expect(list.getByRole('button', { name: titleOf(COUNT), exact: true })).toBeVisible();

  // Scrolling the container to the middle shows rows from there, not placeholders.
  await list.evaluate((el) => el.scrollTo({ top: el.scrollHeight / 2 }));
  await expect(list.getByRole('button', { name: titleOf(COUNT / 2), exact: true })).toBeVisible();

  // Search narrows the list and starts again from the top.
  await page.getByLabel('Search sequences').fill('Sequence 04242');
  await expect(page.getByTestId('sequence-count')).toHaveText('1 matching sequence');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(titleOf(4242));

  // Filter: every third sequence is approved.
  await page.getByLabel('Search sequences').fill('Cedar');
  await expect(page.getByTestId('sequence-count')).toHaveText('2,500 matching sequences');
  await page.getByLabel('Status').selectOption('approved');
  // n ≡ 0 (mod 4) and n ≡ 1 (mod 3): 834 of the 10,000.
  await expect(page.getByTestId('sequence-count')).toHaveText('834 matching sequences');
  await expect(rows.first()).toContainText('Approved');
  expect(await rows.count()).toBeLessThan(100);
  await page.getByLabel('Search sequences').fill('');
  await expect(page.getByTestId('sequence-count')).toHaveText('3,334 matching sequences');

  // Opening a row goes back into the editor.
  await page.getByLabel('Search sequences').fill('Sequence 09997');
  await expect(page.getByTestId('sequence-count')).toHaveText('1 matching sequence');
  await list.getByRole('button', { name: titleOf(9997), exact: true }).click();
  await expect(page.getByLabel('Sequence title')).toHaveValue(titleOf(9997));
  await expect(page.getByRole('list', { name: 'Sequence steps' }).getByRole('listitem')).toHaveCount(2);
});

test('sequences: a page that fails to load says so, and Try again fetches the pages in view', async ({ page, app }) => {
  const sequences = app.core.store.forOrg(app.core.store.orgs.ensureFirstRun().org.id).sequences;
  const steps = [{ step: 1, delay_days: 0, channel: 'email' as const, subject: 'Hello', body: 'Hi {{firstName}}.' }];
  app.core.store.transaction(() => {
    for (let n = 1; n <= 600; n++) sequences.save({ title: titleOf(n), status: 'draft', steps, provider: 'openai', model: 'gpt-6-sol' });
  });
  // The first request for a later page never reaches the host, as when it was restarted meanwhile.
  let dropped = 0;
  await page.route(
    (url) => decodeURIComponent(url.pathname) === '/api/sequences:list',
    async (route) => {
      const input = route.request().postDataJSON() as { offset: number };
      if (input.offset > 0 && dropped === 0) {
        dropped++;
        await route.abort('connectionrefused');
      } else {
        await route.continue();
      }
    },
  );
  await openApp(page, app);
  await goTo(page, 'Sequences');
  await expect(page.getByTestId('sequence-count')).toHaveText('600 saved sequences');

  const list = page.getByRole('list', { name: 'Saved sequences' });
  await list.focus();
  await page.keyboard.press('End');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('The Outreach Desk host is not reachable');
  expect(dropped).toBe(1);
  await expect(list.getByRole('listitem').last()).toContainText('Loading…');
  await saveScreen(page, 'sequences-page-error', 'light');

  await alert.getByRole('button', { name: 'Try again' }).click();
  await expect(list.getByRole('button', { name: titleOf(1), exact: true })).toBeVisible();
  await expect(alert).toHaveCount(0);
});
