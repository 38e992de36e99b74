import { EXCEL_CSV_WINDOWS_1252, EXCEL_UNICODE_TEXT, EXCEL_WORKBOOK_XLSX, LINKEDIN_CONNECTIONS } from '../csv/lead-files';
import { expect, goTo, openApp, saveScreen, seriousA11yViolations, test } from './fixtures';

// The smallest window the app promises to fit.
test.use({ viewport: { width: 1024, height: 700 } });

test('imports an Excel "Unicode text" file through the browser host, twice without doubling', async ({ page, app }) => {
  await app.call('profiles:save', { companyName: 'Northwind Analytics', valueProposition: 'Forecasting finance teams trust.', senderName: 'Maya Chen' });
  await openApp(page, app);
  await goTo(page, 'Batch');

  for (const round of [1, 2]) {
    await page.getByLabel('Choose a CSV file').setInputFiles({ name: 'leads.txt', mimeType: 'text/plain', buffer: EXCEL_UNICODE_TEXT });
    await expect(page.getByTestId('csv-reading')).toHaveText('2 rows, read as UTF-16 LE (Excel “Unicode text”), separated by tab.');
    const sources = page.getByTestId('field-sources');
    await expect(sources.getByRole('listitem').filter({ hasText: 'Email' })).toContainText('Email←Email');
    await expect(sources.getByRole('listitem').filter({ hasText: 'Company' })).toContainText('Company Name');
    await expect(sources.getByRole('listitem').filter({ hasText: 'Phone' })).toContainText('no column');
    await expect(page.getByLabel('Lead field for column Notes')).toHaveValue('custom');
    await page.getByRole('button', { name: 'Import 2 leads' }).click();
    const summary = page.getByTestId('import-summary');
    if (round === 1) {
      await expect(summary).toContainText('2 imported');
      await expect(summary).toContainText('No row had an error.');
    } else {
      await expect(summary).toContainText('0 imported');
      await expect(summary).toContainText('2 already imported, skipped');
      await expect(page.getByRole('note').filter({ hasText: 'Skipped 2 rows whose email is already a lead' })).toBeVisible();
      // The batch still drafts the file's two leads.
      await expect(page.getByRole('button', { name: 'Draft 2 sequences' })).toBeVisible();
      await saveScreen(page, 'batch-import-again', 'light');
    }
    await page.getByRole('button', { name: 'Start a new batch' }).click();
  }
  const leads = await app.call('leads:list', {});
  expect(leads.total).toBe(2);
  expect(leads.items.map((l) => `${l.firstName} ${l.lastName} · ${l.company}`).sort()).toEqual(['Jürgen Özdemir · Öko GmbH', 'Zoë Çelik · Süd, Nord & Co']);
});

test('a Windows-1252 file shows its warning, and a forced encoding re-reads it', async ({ page, app }) => {
  await openApp(page, app);
  await goTo(page, 'Batch');
  await page.getByLabel('Choose a CSV file').setInputFiles({ name: 'excel.csv', mimeType: 'text/csv', buffer: EXCEL_CSV_WINDOWS_1252 });
  await expect(page.getByTestId('csv-reading')).toContainText('read as Windows-1252');
  await expect(page.getByRole('note')).toContainText('not UTF-8, so it was read as Windows-1252');
  await expect(page.getByRole('table').getByText('Renée · José')).toBeVisible();
  await page.getByLabel('Encoding').selectOption('utf-8');
  await expect(page.getByRole('alert')).toContainText('The file is not valid UTF-8');
  await page.getByLabel('Encoding').selectOption('windows-1252');
  await expect(page.getByTestId('csv-reading')).toContainText('read as Windows-1252');
  await expect(page.getByRole('note')).toHaveCount(0);
});

test('an Excel workbook picked instead of its CSV says how to save one, and another file can then be chosen', async ({ page, app }) => {
  await openApp(page, app);
  await goTo(page, 'Batch');
  await page.getByLabel('Choose a CSV file').setInputFiles({
    name: 'Leads Q4.xlsx',
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    buffer: EXCEL_WORKBOOK_XLSX,
  });
  await expect(page.getByRole('alert')).toContainText('Check the file');
  await expect(page.getByRole('alert')).toContainText('an Excel workbook (.xlsx)');
  await expect(page.getByRole('alert')).toContainText('save or export it as "CSV UTF-8"');
  await saveScreen(page, 'batch-import-workbook-refused', 'light');
  await page.getByLabel('Choose a CSV file').setInputFiles({ name: 'excel.csv', mimeType: 'text/csv', buffer: EXCEL_CSV_WINDOWS_1252 });
  await expect(page.getByTestId('csv-reading')).toContainText('read as Windows-1252');
  await expect(page.getByRole('alert')).toHaveCount(0);
});

for (const theme of ['light', 'dark'] as const) {
  test(`the mapping step of a LinkedIn export in the ${theme} theme: screenshot and no serious accessibility violations`, async ({ page, app }) => {
    await page.emulateMedia({ colorScheme: theme });
    await openApp(page, app);
    await goTo(page, 'Batch');
    await page.getByLabel('Choose a CSV file').setInputFiles({ name: 'Connections.csv', mimeType: 'text/csv', buffer: LINKEDIN_CONNECTIONS });
    await expect(page.getByTestId('csv-reading')).toHaveText('2 rows, read as UTF-8, separated by comma, header on row 4.');
    await expect(page.getByRole('note')).toContainText('Skipped 2 lines above the header row (row 4), starting "Notes:"');
    await expect(page.getByLabel('Lead field for column URL')).toHaveValue('linkedinUrl');
    await page.getByRole('heading', { name: '1. Import leads' }).scrollIntoViewIfNeeded();
    await saveScreen(page, 'batch-import-mapping', theme);
    await page.locator('table.mapping').evaluate((table) => table.scrollIntoView({ block: 'end' }));
    await saveScreen(page, 'batch-import-mapping-fields', theme);
    expect(await seriousA11yViolations(page)).toEqual([]);
  });
}
