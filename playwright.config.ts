import { defineConfig } from '@playwright/test';
import { existsSync } from 'node:fs';

/**
 * Which browser: CHROMIUM_PATH when set; else Debian's Chromium (/usr/bin/chromium); else the
 * Chrome installed on the machine, through Playwright's `chrome` channel (macOS, Windows).
 * Nothing is downloaded: `playwright install` is never needed.
 */
const chromiumPath = process.env.CHROMIUM_PATH || (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

/**
 * Browser tests: Chromium drives the built renderer through the loopback browser host, with the
 * real core (temp data dir, real keychain under scripts/with-keyring.sh on Linux) and the
 * loopback fake vendors. Run `npm run build` first; `scripts/with-keyring.sh npx playwright test`.
 */
export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results/e2e-artifacts',
  // One worker: the machine has two cores shared with other work, and each test starts its own core.
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  // Limits for waits, not speed tests: sized for a 2-core machine under other load (a test waits
  // for what it expects to appear; only a bug makes it wait this long).
  timeout: 180_000,
  expect: { timeout: 30_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    browserName: 'chromium',
    ...(chromiumPath ? {} : { channel: 'chrome' }),
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      ...(chromiumPath ? { executablePath: chromiumPath } : {}),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
    acceptDownloads: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
