import { builtinModules, createRequire } from 'node:module';
import { resolve } from 'node:path';
import { defineConfig, type Plugin, type UserConfig } from 'vite';
import pkg from './package.json' with { type: 'json' };

/**
 * The Node-runnable build of the core: the CLI, the loopback browser host and the core's
 * public face, in out/node/ (and, with `--mode bench`, the benchmark in out/bench/). It imports no `electron`, so plain `node` runs it and tests
 * and benchmarks can import it.
 *
 * Two things keep a cold start short (`npm run bench -- startup`):
 * - zod is bundled, tree-shaken into one chunk, rather than imported as ~95 separate ESM files.
 * - CommonJS dependencies are loaded with `require()` (see requireCommonJs).
 */
const BUNDLED = ['zod'];
const COMMONJS_DEPENDENCIES = ['better-sqlite3', '@napi-rs/keyring', 'papaparse', 'mailparser'];

const external = [
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
  ...Object.keys(pkg.dependencies).filter((name) => !BUNDLED.includes(name) && !COMMONJS_DEPENDENCIES.includes(name)),
].map((name) => new RegExp(`^${name.replace(/[/.]/g, '\\$&')}(/.*)?$`));

/**
 * Loads each CommonJS dependency through `createRequire` instead of `import`. Importing CommonJS
 * from ESM makes Node lex the file for its export names with a WebAssembly lexer, loaded on first
 * use: for better-sqlite3 and the keychain library that cost more than the rest of
 * `outreach-desk providers`. The export names are read here, at build time.
 */
function requireCommonJs(): Plugin {
  const requireAtBuild = createRequire(import.meta.url);
  const prefix = '\0commonjs:';
  return {
    name: 'outreach-desk:require-commonjs',
    enforce: 'pre',
    resolveId: (source) => (COMMONJS_DEPENDENCIES.includes(source) ? prefix + source : null),
    load(id) {
      if (!id.startsWith(prefix)) return null;
      const name = id.slice(prefix.length);
      const names = Object.keys(requireAtBuild(name) as object).filter((key) => /^[A-Za-z_$][\w$]*$/.test(key) && key !== 'default');
      return [
        "import { createRequire } from 'node:module';",
        `const dependency = createRequire(import.meta.url)(${JSON.stringify(name)});`,
        'export default dependency;',
        ...names.map((key) => `export const ${key} = dependency.${key};`),
      ].join('\n');
    },
  };
}

/** A Node ESM build of some entries, dependencies left external. */
function nodeBuild(outDir: string, input: Record<string, string>): UserConfig {
  return {
    plugins: [requireCommonJs()],
    ssr: { noExternal: BUNDLED },
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
  };
}

export default defineConfig(({ mode }) =>
  mode === 'bench'
    ? /**
       * `--mode bench`: bench/run.ts (and the fake vendors it starts) as out/bench/run.mjs, with the
       * same external dependencies so the real SDKs are measured; and the stand-in `electron` module
       * the start-up bench runs the main bundle with.
       */
      nodeBuild('out/bench', {
        run: resolve(import.meta.dirname, 'bench/run.ts'),
        'electron-stand-in': resolve(import.meta.dirname, 'bench/electron-stand-in.ts'),
      })
    : nodeBuild('out/node', {
        cli: resolve(import.meta.dirname, 'electron/cli/index.ts'),
        host: resolve(import.meta.dirname, 'electron/host/main.ts'),
        core: resolve(import.meta.dirname, 'electron/core/index.ts'),
        // Batch classification parses on worker threads; the CLI and the host start them from here.
        'reply-worker': resolve(import.meta.dirname, 'electron/core/replies/reply-analyzer-worker.ts'),
      }),
);
