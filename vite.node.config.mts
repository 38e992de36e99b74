import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import pkg from './package.json' with { type: 'json' };

/**
 * The Node-runnable build of the core: the CLI, the loopback browser host and the core's
 * public face, in out/node/. It imports no `electron`, so plain `node` runs it and tests
 * and benchmarks can import it.
 */
const external = [
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
  ...Object.keys(pkg.dependencies).filter((name) => name !== 'zod'),
].map((name) => new RegExp(`^${name.replace(/[/.]/g, '\\$&')}(/.*)?$`));

/** A Node ESM build of some entries, dependencies left external (the bench build reuses it). */
export function defineNodeBuild(outDir: string, input: Record<string, string>) {
  return defineConfig({
    ssr: { noExternal: ['zod'] },
    build: {
      outDir,
      emptyOutDir: true,
      target: 'node20',
      ssr: true,
      minify: false,
      sourcemap: true,
      rollupOptions: {
        input,
        external,
        output: { format: 'esm', entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name]-[hash].mjs' },
      },
    },
  });
}

export default defineNodeBuild('out/node', {
  cli: resolve(import.meta.dirname, 'electron/cli/index.ts'),
  host: resolve(import.meta.dirname, 'electron/host/main.ts'),
  core: resolve(import.meta.dirname, 'electron/core/index.ts'),
});
