import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

export default defineConfig({
  main: {
    build: {
      externalizeDeps: true,
      outDir: 'out/main',
      rollupOptions: {
        // The reply analysis worker is started from the main bundle's folder (batch classification).
        input: { index: resolve(__dirname, 'electron/main/index.ts'), 'reply-worker': resolve(__dirname, 'electron/core/replies/reply-analyzer-worker.ts') },
        // What the core loads on demand (mailparser, papaparse) is required like every other
        // dependency of the CommonJS main bundle, rather than through import() (see lazy-adapter.ts).
        output: { dynamicImportInCjs: false },
      },
    },
  },
  preload: {
    // The sandboxed preload cannot require node_modules: zod and the contract are bundled in.
    build: {
      externalizeDeps: false,
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      minify: true,
      reportCompressedSize: true,
      rollupOptions: { input: { index: resolve(__dirname, 'renderer/index.html') } },
    },
  },
});
