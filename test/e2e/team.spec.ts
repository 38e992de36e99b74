import type { Page } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Invoke } from '../../shared/ipc';
import { createCore, KeyringSecretStore, type Core } from '../../electron/core';
import { silentLogger } from '../../electron/core/log';
import { startBrowserHost, type BrowserHost } from '../../electron/host/server';
import { startFakeProviders, type FakeProviderSet } from '../fakes/fake-provider';
import { createTestInvoke } from '../helpers/invoke';
import { findPgBinDir, MISSING_POSTGRES, startPgCluster, type PgCluster } from '../team/pg-cluster';
import { expect, goTo, RENDERER_DIR, SCREENS_DIR, saveScreen, seriousA11yViolations, test } from './fixtures';
import { expectDefined } from '../helpers/expect-defined';

const THEMES = ['light', 'dark'] as const;
const KEY = 'sk-test-e2e-team-4242';

interface Desk {
  core: Core;
  host: BrowserHost;
  dir: string;
  call: Invoke;
}

async function startDesk(): Promise<Desk> {
  const dir = mkdtempSync(join(tmpdir(), 'outreach-e2e-team-'));
  const core = await createCore({
    dataDir: dir,
    env: {},
    logger: silentLogger,
    version: '0.1.0-e2e',
    secrets: new KeyringSecretStore(`outreach-desk-e2e-${randomUUID()}`),
  });
  const host = await startBrowserHost({ dispatch: core.dispatch, subscribe: core.subscribe, rendererDir: RENDERER_DIR, logger: silentLogger });
  return { core, host, dir, call: createTestInvoke(core).call };
}

async function open(page: Page, desk: Desk, theme: 'light' | 'dark'): Promise<void> {
  await page.emulateMedia({ colorScheme: theme });
  await page.goto(desk.host.url);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
}

async function teamTab(page: Page): Promise<void> {
  await goTo(page, 'Settings');
  await page.getByRole('tab', { name: 'Team' }).click();
  await expect(page.getByRole('tab', { name: 'Team' })).toHaveAttribute('aria-selected', 'true');
}

async function checkScreen(page: Page, name: string, theme: 'light' | 'dark'): Promise<void> {
  await saveScreen(page, name, theme);
  expect(await seriousA11yViolations(page), `axe on ${name} (${theme})`).toEqual([]);
}

test.describe
  .serial('Settings → Team and the header, against a real PostgreSQL hub', () => {
    test.skip(findPgBinDir() === null, MISSING_POSTGRES);
    // Each test walks several screens with axe on each; the machine may be shared.
    test.describe.configure({ timeout: 180_000 });
    // The viewport the app promises to fit.
    test.use({ viewport: { width: 1024, height: 760 } });

    let cluster: PgCluster | null = null;
    let fakes: FakeProviderSet;
    let owner: Desk;
    let member: Desk;
    let solo: Desk;

    test.beforeAll(async () => {
      test.setTimeout(240_000);
      cluster = await startPgCluster({ fast: true });
      const su = new pg.Client({ host: expectDefined(cluster).socketDir, port: expectDefined(cluster).port, user: 'postgres', database: 'postgres' });
      await su.connect();
      const password = randomUUID();
      await su.query(`CREATE ROLE hub_admin LOGIN CREATEROLE PASSWORD '${password}'`);
      await su.query('CREATE DATABASE northwind OWNER hub_admin');
      await su.end();
      fakes = await startFakeProviders();
      [owner, member, solo] = await Promise.all([startDesk(), startDesk(), startDesk()]);

      await owner.call('org:update', { name: 'Northwind Sales', monthlyBudgetUsd: 200 });
      await owner.call('settings:update-llm', { provider: 'openai', apiKeys: { openai: KEY }, settings: { baseUrls: { openai: fakes.baseURLFor('openai') } } });
      await owner.call('profiles:save', { companyName: 'Northwind Analytics', valueProposition: 'Forecasts finance teams trust.', senderName: 'Maya Chen' });
      await owner.call('team:init', {
        url: `postgres://hub_admin@127.0.0.1:${expectDefined(cluster).port}/northwind`,
        password,
        email: 'maya@northwind.example',
      });
      const sam = await owner.call('team:invite', { email: 'sam@northwind.example', role: 'member' });
      await owner.call('team:invite', { email: 'lee@northwind.example', role: 'admin' });
      await member.call('team:connect', { url: `postgres://${sam.login}@127.0.0.1:${expectDefined(cluster).port}/northwind`, password: sam.password });
      await owner.call('team:sync', undefined);
      await owner.call('team:share-key', { provider: 'openai' });
      await member.call('team:sync', undefined);
      await member.call('llm:test', { provider: 'openai' });
      await member.call('team:sync', undefined);
      await owner.call('team:sync', undefined);
    });

    test.afterAll(async () => {
      for (const desk of [owner, member, solo]) {
        if (!desk) continue;
        await desk.host.close();
        await desk.core.services.team.close();
        desk.core.close();
        rmSync(desk.dir, { recursive: true, force: true });
      }
      await fakes?.close();
      cluster?.stop();
    });

    for (const theme of THEMES) {
      test(`an owner's Team panel and header (${theme})`, async ({ page }) => {
        await open(page, owner, theme);
        const header = page.getByTestId('signed-in');
        await expect(header).toContainText('Signed in as');
        await expect(header).toContainText('maya@northwind.example');
        await expect(header).toContainText('Owner');
        await expect(header).toContainText('Synced');
        await mkdir(SCREENS_DIR, { recursive: true });
        await page.locator('header.topbar').screenshot({ path: join(SCREENS_DIR, `header-team-owner-${theme}.png`) });

        await teamTab(page);
        await expect(page.getByText('Signed in as', { exact: true }).last()).toBeVisible();
        const members = page.getByRole('table');
        await expect(members.getByRole('cell', { name: /^sam@northwind\.example/ })).toBeVisible();
        await expect(members.getByRole('cell', { name: /^lee@northwind\.example/ })).toBeVisible();
        await expect(page.getByLabel('Role of sam@northwind.example')).toHaveValue('member');
        await expect(page.getByText('Not yet')).toBeVisible(); // Lee has not connected
        await expect(page.getByRole('button', { name: 'Share again' })).toBeVisible();
        await checkScreen(page, 'settings-team-owner', theme);
        await page.getByRole('heading', { name: 'The organization’s API keys' }).scrollIntoViewIfNeeded();
        await saveScreen(page, 'settings-team-owner-keys', theme);

        await goTo(page, 'Usage');
        await expect(page.getByText('The whole organization’s model calls')).toBeVisible();
        await page.locator('#usage-group').selectOption('user');
        await expect(page.getByTestId('usage-table').getByRole('cell', { name: 'sam@northwind.example' })).toBeVisible();
        await checkScreen(page, 'usage-team-owner', theme);
      });
    }

    test('inviting shows the one-time password once', async ({ page }) => {
      await open(page, owner, 'light');
      await teamTab(page);
      await page.getByLabel('Email of the person to invite').fill('ada@northwind.example');
      await page.getByRole('button', { name: 'Invite' }).click();
      const secret = page.getByTestId('invite-secret');
      await expect(secret).toContainText(/Login: od_ada_[0-9a-f]{6}/);
      await expect(secret).toContainText(/Password: \S{32}/);
      await saveScreen(page, 'settings-team-invite', 'light');
      await page.getByRole('button', { name: 'Done, hide it' }).click();
      await expect(secret).toHaveCount(0);
    });

    for (const theme of THEMES) {
      test(`a member sees the organization read-only, and the core refuses too (${theme})`, async ({ page }) => {
        await open(page, member, theme);
        const header = page.getByTestId('signed-in');
        await expect(header).toContainText('sam@northwind.example');
        await expect(header).toContainText('Member');
        await page.locator('header.topbar').screenshot({ path: join(SCREENS_DIR, `header-team-member-${theme}.png`) });

        await goTo(page, 'Settings');
        await expect(page.getByText('You are a member: you can look')).toBeVisible();
        await expect(page.getByLabel('Organization name')).toBeDisabled();
        await expect(page.getByLabel('Organization name')).toHaveValue('Northwind Sales');
        await page.getByRole('tab', { name: 'Providers' }).click();
        await expect(page.getByLabel('Default provider')).toBeDisabled();
        await expect(page.locator('[data-provider="openai"]').getByTestId('key-status')).toHaveText(
          "Using the organization's shared key, ends in …4242 (from the team hub, kept in this desktop's keychain)",
        );
        await expect(page.getByLabel(/API key/)).toHaveCount(0);

        await page.getByRole('tab', { name: 'Team' }).click();
        await expect(page.getByRole('table').getByRole('cell', { name: /^maya@northwind\.example/ })).toBeVisible();
        await expect(page.getByRole('button', { name: 'Remove' })).toHaveCount(0);
        await expect(page.getByLabel('Email of the person to invite')).toHaveCount(0);
        await checkScreen(page, 'settings-team-member', theme);

        const refused = await page.evaluate(async () => {
          const api = (window as unknown as { api: { invoke(c: string, i: unknown): Promise<{ ok: boolean; error?: { code: string } }> } }).api;
          return api.invoke('settings:update-llm', { provider: 'groq' });
        });
        expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      });
    }

    for (const theme of THEMES) {
      test(`solo: the Team tab offers to join or set up a hub; the header has no roles (${theme})`, async ({ page }) => {
        await open(page, solo, theme);
        await expect(page.getByLabel('Profile', { exact: true })).toBeVisible();
        await expect(page.getByLabel('Profile', { exact: true }).locator('option')).toHaveText(['Owner']);
        await page.locator('header.topbar').screenshot({ path: join(SCREENS_DIR, `header-solo-${theme}.png`) });
        await teamTab(page);
        await expect(page.getByText('This desktop is the whole organization, and you are its owner')).toBeVisible();
        await expect(page.getByLabel('Hub URL')).toBeVisible();
        await checkScreen(page, 'settings-team-solo', theme);
      });
    }

    test('solo: a refused connect shows the hub’s answer and leaves the desktop solo', async ({ page }) => {
      await open(page, solo, 'light');
      await teamTab(page);
      await page.getByLabel('Hub URL').fill(`postgres://hub_admin@127.0.0.1:${cluster?.port}/northwind`);
      await page.getByLabel('Password').fill('not-the-password');
      await page.getByRole('button', { name: 'Connect' }).click();
      const form = page.getByRole('form', { name: 'Join a team hub' });
      await expect(form.getByRole('alert')).toBeVisible();
      await expect(form.getByRole('button', { name: 'Connect' })).toBeEnabled();
      await checkScreen(page, 'settings-team-connect-error', 'light');
      expect((await solo.call('team:status', undefined)).mode).toBe('solo');
    });
  });
