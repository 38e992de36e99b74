import { expect, goTo, openApp, saveScreen, seriousA11yViolations, test, connectFakeOpenAI, type TestApp } from './fixtures';

const SEQUENCE = {
  steps: [
    {
      step: 1,
      delay_days: 0,
      channel: 'email',
      subject: 'Forecasts for {{company}}',
      body: 'Hi {{firstName}}, finance teams like yours cut forecast time in half with Northwind.',
    },
    {
      step: 2,
      delay_days: 3,
      channel: 'email',
      subject: 'Worth a look?',
      body: 'Hi {{firstName}}, a 15-minute call next week could show how {{company}} would use it.',
    },
  ],
};

/** Cuts text into pieces, so the fake streams it as many deltas. */
function pieces(text: string, size = 12): string[] {
  return Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));
}

async function prepare(app: TestApp) {
  await connectFakeOpenAI(app);
  await app.call('profiles:save', { companyName: 'Northwind Analytics', valueProposition: 'Forecasting finance teams trust.', senderName: 'Maya Chen' });
}

async function fillLead(page: import('@playwright/test').Page) {
  await page.getByLabel('First name').fill('Dana');
  await page.getByLabel('Company', { exact: true }).fill('Contoso Retail');
  await page.getByLabel('Steps').fill('2');
}

test('draft with streaming, edit, save, and reopen from the list', async ({ page, app }) => {
  await prepare(app);
  const text = JSON.stringify(SEQUENCE);
  const streamPieces = pieces(text);
  // The stream holds after step 1 (the first SSE event is the role, then one event per piece)
  // until the test has looked at the steps forming: however fast or slow the machine.
  const step1Pieces = Math.ceil(text.indexOf('{"step":2') / 12);
  app.fakes.openai.script({ reply: { text, streamPieces }, holdAfter: 1 + step1Pieces });
  await openApp(page, app);
  await fillLead(page);
  await page.getByRole('button', { name: 'Generate' }).click();

  // The steps form as the JSON arrives: the first step's body shows before the whole answer is in.
  const stream = page.getByTestId('stream');
  const forming = stream.getByRole('list', { name: 'Steps so far' }).getByRole('listitem');
  await expect(forming.first()).toContainText('Step 1 · Email · day +0');
  await expect(forming.first()).toContainText('Subject: Forecasts for {{company}}');
  await expect(forming.first()).toContainText('Hi {{firstName}}, finance');
  await expect(page.getByRole('button', { name: 'Cancel' })).toBeVisible();
  await expect(stream).not.toContainText('{"steps"');
  await saveScreen(page, 'flow-draft-streaming', 'light');
  app.fakes.openai.release();

  const steps = page.getByRole('list', { name: 'Sequence steps' }).getByRole('listitem');
  await expect(steps).toHaveCount(2);
  await expect(page.getByTestId('draft-meta')).toContainText('OpenAI');
  await expect(page.getByTestId('draft-meta')).toContainText(/Tokens \d+ in · \d+ out/);
  await expect(page.getByTestId('draft-meta')).toContainText('Cost $');
  await expect(steps.first().locator('mark').first()).toHaveText('{{firstName}}');

  await steps.nth(0).getByLabel('Subject').fill('A faster forecast for {{company}}');
  await steps.nth(1).getByLabel('Message').fill('Hi {{firstName}}, would Tuesday suit {{company}}?');
  await page.getByRole('button', { name: 'Move step 2 up' }).click();
  await expect(steps.nth(0).getByLabel('Message')).toHaveValue('Hi {{firstName}}, would Tuesday suit {{company}}?');
  await page.getByLabel('Sequence title').fill('Dana at Contoso');
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page.getByText('Saved as draft')).toBeVisible();
  await saveScreen(page, 'flow-draft-edited', 'light');

  await goTo(page, 'Sequences');
  await page.getByRole('button', { name: 'Dana at Contoso' }).click();
  await expect(page.getByLabel('Sequence title')).toHaveValue('Dana at Contoso');
  await expect(steps).toHaveCount(2);
  await expect(steps.nth(0).getByLabel('Message')).toHaveValue('Hi {{firstName}}, would Tuesday suit {{company}}?');
  await expect(steps.nth(1).getByLabel('Subject')).toHaveValue('A faster forecast for {{company}}');
  await expect(page.getByText('Edited', { exact: true })).toBeVisible();
  await expect(page.getByText('Draft', { exact: true }).first()).toBeVisible();
});

test('cancel mid-stream stops the call and keeps nothing', async ({ page, app }) => {
  await prepare(app);
  const chunk = (content: string) => ({
    id: 'chatcmpl-stall',
    object: 'chat.completion.chunk',
    created: 1_780_000_000,
    model: 'gpt-6-sol',
    choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }],
  });
  // Two deltas, then the connection stays open: only Cancel can end this call.
  app.fakes.openai.script({ sse: [chunk('{"steps":[{"step":1,'), chunk('"delay_days":0,"channel":"email"')], end: 'stall' });
  await openApp(page, app);
  await fillLead(page);
  await page.getByRole('button', { name: 'Generate' }).click();
  const stream = page.getByTestId('stream');
  await expect(stream.getByRole('listitem', { name: 'Step 1' })).toContainText('Step 1 · Email · day +0');
  await expect(stream.getByTestId('stream-raw')).toHaveCount(0);
  await stream.getByRole('button', { name: 'Show raw' }).click();
  await expect(stream.getByTestId('stream-raw')).toHaveText('{"steps":[{"step":1,"delay_days":0,"channel":"email"');
  await expect(stream.getByRole('button', { name: 'Hide raw' })).toHaveAttribute('aria-expanded', 'true');
  // The stalled stream holds still: a fair moment to check the panel in both themes at the smallest window.
  await page.setViewportSize({ width: 1024, height: 700 });
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await saveScreen(page, 'flow-draft-streaming-raw', theme);
    expect(await seriousA11yViolations(page), `axe on the stream panel (${theme})`).toEqual([]);
  }
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByText('Generation cancelled. Nothing was saved.')).toBeVisible();
  await expect(page.getByTestId('stream')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Generate' })).toBeEnabled();
  expect((await app.call('sequences:list', {})).total).toBe(0);
});
