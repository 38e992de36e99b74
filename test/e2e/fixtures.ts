import { test as base, expect, type Page } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Invoke } from '../../shared/ipc';
import { createCore, type Core } from '../../electron/core';
import { silentLogger } from '../../electron/core/log';
import { startBrowserHost, type BrowserHost } from '../../electron/host/server';
import { startFakeProviders, type FakeProviderSet } from '../fakes/fake-provider';
import { createTestInvoke } from '../helpers/invoke';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const RENDERER_DIR = join(REPO_ROOT, 'out', 'renderer');
export const CORPUS_REPLIES = resolve(REPO_ROOT, '..', 'shared', 'corpus', 'replies');
/** The corpus is only on the project's own machines; a user's clone has none, and its tests skip. */
export const CORPUS_FOUND = existsSync(join(CORPUS_REPLIES, 'labels.csv'));
/** Hand-written machine mail the rule pre-filter decides (two bounces, an out-of-office), committed for every clone. */
export const MAIL_DIR = join(__dirname, 'mail');
export const SCREENS_DIR = join(REPO_ROOT, 'test-results', 'screens');

/** A fresh app: fakes, a core in a temp data dir with the real keychain, and the browser host. */
export interface TestApp {
  url: string;
  core: Core;
  host: BrowserHost;
  fakes: FakeProviderSet;
  dataDir: string;
  /** Calls a channel the way the renderer does, and returns the value or throws the envelope's error. */
  call: Invoke;
}

export const test = base.extend<{ app: TestApp }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's first parameter as a destructuring pattern of the fixtures it needs; this one needs none.
  app: async ({}, use) => {
    if (!existsSync(join(RENDERER_DIR, 'index.html'))) throw new Error(`No built renderer in ${RENDERER_DIR}: run npm run build first.`);
    const dataDir = mkdtempSync(join(tmpdir(), 'outreach-e2e-'));
    const fakes = await startFakeProviders();
    const core = await createCore({ dataDir, env: {}, logger: silentLogger, version: '0.1.0-e2e' });
    const host = await startBrowserHost({ dispatch: core.dispatch, subscribe: core.subscribe, rendererDir: RENDERER_DIR, logger: silentLogger });
    const { call } = createTestInvoke(core);
    await use({ url: host.url, core, host, fakes, dataDir, call });
    await host.close();
    await fakes.close();
    core.close();
    rmSync(dataDir, { recursive: true, force: true });
  },
});

export { expect };

/** Points OpenAI at the fake with a test key and makes it the default, as an admin would in Settings. */
export async function connectFakeOpenAI(app: TestApp): Promise<void> {
  await app.call('settings:update-llm', {
    provider: 'openai',
    apiKeys: { openai: 'sk-test-e2e-openai-0001' },
    settings: { baseUrls: { openai: app.fakes.baseURLFor('openai') } },
  });
}

/** Opens the app and waits for the shell. */
export async function openApp(page: Page, app: TestApp): Promise<void> {
  await page.goto(app.url);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
}

/** Goes to a screen through the left navigation. */
export async function goTo(page: Page, label: 'Draft' | 'Sequences' | 'Replies' | 'Batch' | 'Usage' | 'Settings'): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: label, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
}

const AXE_SOURCE = readFileSync(join(REPO_ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe-core on the page and returns the serious and critical violations, described. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the app's CSP (rightly) refuses an injected inline script tag.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} at ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 5)
          .join(', ')}`,
    );
}

/** Saves `test-results/screens/<name>-<theme>.png`. */
export async function saveScreen(page: Page, name: string, theme: 'light' | 'dark'): Promise<void> {
  await mkdir(SCREENS_DIR, { recursive: true });
  // Transitions finish first: a progress bar caught mid-slide would misstate the count beside it.
  await page.screenshot({ path: join(SCREENS_DIR, `${name}-${theme}.png`), fullPage: false, animations: 'disabled' });
}
