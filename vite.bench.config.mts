import { resolve } from 'node:path';
import { defineNodeBuild } from './vite.node.config.mts';

/**
 * The benchmark build: bench/run.ts (and the fake vendors it starts) as out/bench/run.mjs, with
 * dependencies left external so the real SDKs are measured; and the stand-in `electron` module
 * the start-up bench runs the main bundle with.
 */
export default defineNodeBuild('out/bench', {
  run: resolve(import.meta.dirname, 'bench/run.ts'),
  'electron-stand-in': resolve(import.meta.dirname, 'bench/electron-stand-in.ts'),
});
