import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { basename, extname, join, resolve } from 'node:path';
import { build } from 'vite';
import pkg from '../../package.json' with { type: 'json' };

const REPO_ROOT = resolve(__dirname, '../..');

/**
 * Bundles a TypeScript entry into one ESM file plain `node` can run, for tests that need a real
 * child process (kill -9, a different environment). The repo has no TS runner, so this uses
 * vite's SSR build, as vite.node.config.ts does for the real CLI: node built-ins and the
 * package's dependencies stay external and load from node_modules at run time.
 *
 * The output goes under node_modules/.cache (git-ignored) inside the repo rather than /tmp, so
 * the bundle's bare imports (`better-sqlite3`, `zod`, …) resolve. Returns the file to run,
 * `spawn(process.execPath, [file, ...args])`, and `cleanup` to remove the build when done.
 */
export async function buildNodeEntry(entry: string): Promise<{ file: string; cleanup: () => void }> {
  const outDir = join(REPO_ROOT, 'node_modules', '.cache', 'test-node-entries', randomUUID());
  const external = [...builtinModules, ...builtinModules.map((m) => `node:${m}`), ...Object.keys(pkg.dependencies)].map(
    (name) => new RegExp(`^${name.replace(/[/.]/g, '\\$&')}(/.*)?$`),
  );
  await build({
    configFile: false,
    root: REPO_ROOT,
    logLevel: 'silent',
    build: {
      ssr: resolve(entry),
      outDir,
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      rolldownOptions: { external, output: { format: 'esm', entryFileNames: '[name].mjs' } },
    },
  });
  return {
    file: join(outDir, `${basename(entry, extname(entry))}.mjs`),
    cleanup: () => rmSync(outDir, { recursive: true, force: true }),
  };
}
