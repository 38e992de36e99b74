import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, goTo, MAIL_DIR, openApp, saveScreen, test, connectFakeOpenAI } from './fixtures';

/** Drops files on an element the way the OS does: a drop event whose DataTransfer holds File objects. */
async function dropFiles(page: import('@playwright/test').Page, testId: string, files: { name: string; content: string }[]) {
  const transfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([f.content], f.name, { type: 'message/rfc822' }));
    return dt;
  }, files);
  await page.getByTestId(testId).dispatchEvent('dragover', { dataTransfer: transfer });
  await page.getByTestId(testId).dispatchEvent('drop', { dataTransfer: transfer });
}

test('classify a pasted reply with the model, and dropped .eml files with the rules', async ({ page, app }) => {
  await connectFakeOpenAI(app);
  await openApp(page, app);
  await goTo(page, 'Replies');
  await expect(page.getByText('No replies yet')).toBeVisible();

  await page.getByLabel('Reply text').fill('Thanks Maya, this looks relevant. Could we talk on Thursday at 3pm?');
  await page.getByLabel('Your original message (optional)').fill('Hi Dana, finance teams like yours cut forecast time in half.');
  await page.getByRole('button', { name: 'Classify' }).click();
  const pasted = page.getByRole('article', { name: 'Classification of Pasted reply' });
  await expect(pasted).toContainText('Interested');
  await expect(pasted).toContainText('Decided by a model');
  await expect(pasted).toContainText('Confidence 92%');
  await expect(pasted).toContainText('Next: Follow up');
  await expect(pasted).toContainText('The prospect asks to schedule a call.');
  const modelCalls = app.fakes.openai.calls.length;
  expect(modelCalls).toBe(1);

  const ooo = 'out-of-office.eml';
  const bounce = 'bounce-dsn.eml';
  await dropFiles(page, 'eml-dropzone', [
    { name: ooo, content: readFileSync(join(MAIL_DIR, ooo), 'latin1') },
    { name: bounce, content: readFileSync(join(MAIL_DIR, bounce), 'latin1') },
  ]);
  const oooCard = page.getByRole('article', { name: `Classification of ${ooo}` });
  const bounceCard = page.getByRole('article', { name: `Classification of ${bounce}` });
  await expect(oooCard).toContainText('Out of office');
  await expect(oooCard).toContainText('Decided by rules (no model call)');
  await expect(bounceCard).toContainText('Bounce');
  await expect(bounceCard).toContainText('Decided by rules (no model call)');
  // Machine-made mail cost no tokens.
  expect(app.fakes.openai.calls.length).toBe(modelCalls);
  await saveScreen(page, 'flow-replies-classified', 'light');

  const history = page.getByRole('region', { name: 'History' });
  await expect(history.getByRole('row')).toHaveCount(4);
  await page.getByLabel('Filter by class').selectOption('bounce');
  await expect(history.getByRole('row')).toHaveCount(2);
  await expect(history.getByRole('row').nth(1)).toContainText('Bounce');
  await page.getByLabel('Filter by class').selectOption('unsubscribe');
  await expect(history.getByText('No unsubscribe replies')).toBeVisible();
});
