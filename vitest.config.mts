import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

/**
 * Tests that start child processes (the CLI, the preview host, `npm start`'s steps, Node builds).
 * A CLI start took 2.4–3.8 s on a loaded 2-core machine, and one test may make a dozen, so their
 * limit is no speed test: it is sized for that machine several times over. A hung process fails
 * sooner, at PROCESS_HANG_LIMIT_MS (test/helpers/run-cli.ts), with its output.
 */
const PROCESS_TESTS = [
  'test/cli/**/*.test.ts',
  'test/scripts/**/*.test.ts',
  'test/host/preview.test.ts',
  // These start a child Node or vitest.
  'test/main/lazy-loading.test.ts',
  'test/replies/corpus-missing.test.ts',
  // These build a Node entry with vite, then start it.
  'test/storage/crash.test.ts',
  'test/secrets/secret-store.test.ts',
  'test/replies/reply-analyzer.test.ts',
];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/renderer/**', 'test/e2e/**', 'test/team/**', 'node_modules/**', ...PROCESS_TESTS],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'processes',
          environment: 'node',
          include: PROCESS_TESTS,
          testTimeout: 15 * 60_000,
          hookTimeout: 10 * 60_000,
          pool: 'forks',
        },
      },
      {
        // Against a real PostgreSQL: one throwaway cluster for the folder (test/team/global-setup.ts).
        // Generous limits: a scenario runs several CLI processes and hub round trips on a shared machine.
        test: {
          name: 'team',
          environment: 'node',
          include: ['test/team/**/*.test.ts'],
          globalSetup: ['test/team/global-setup.ts'],
          testTimeout: 15 * 60_000,
          hookTimeout: 10 * 60_000,
          pool: 'forks',
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'jsdom',
          environment: 'jsdom',
          include: ['test/renderer/**/*.test.tsx', 'test/renderer/**/*.test.ts'],
          testTimeout: 15_000,
        },
      },
    ],
  },
});
