import { resolve } from 'node:path';
import { defineNodeBuild } from './vite.node.config.mts';

/**
 * The benchmark build: bench/run.ts (and the fake vendors it starts) as one Node ESM file,
 * out/bench/run.mjs, with dependencies left external so the real SDKs are measured.
 */
export default defineNodeBuild('out/bench', { run: resolve(import.meta.dirname, 'bench/run.ts') });
