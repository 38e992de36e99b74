import Module, { createRequire, register } from 'node:module';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { ElectronStandIn } from './stand-in';

/** A module the process loaded: by `require` (Module._load) or by `import` (the ESM resolve hook). */
export interface ModuleLoad {
  specifier: string;
  /** The resolved file path or URL, when known. */
  resolved: string;
  via: 'require' | 'import';
  /** process.hrtime.bigint() when the load began (require) or resolved (import). */
  at: bigint;
}

export interface LoadedModule {
  /** Every module load since this file started loading. */
  readonly loads: ModuleLoad[];
  /** Waits until every import resolved so far has been reported (they arrive from the hooks thread). */
  flushLoads(): Promise<void>;
  /** The module's exports. */
  readonly exports: unknown;
  /** Stops answering `require('electron')` and recording loads. */
  dispose(): void;
}

type LoadFn = (request: string, parent: unknown, isMain: boolean) => unknown;
const moduleInternals = Module as unknown as { _load: LoadFn; _resolveFilename: (request: string, parent: unknown, isMain: boolean) => string };

let importPort: MessagePort | null = null;
const importListeners = new Set<(load: ModuleLoad) => void>();
const flushWaiters: (() => void)[] = [];

/** Registers the ESM resolve hook once per process (a registration can't be undone). */
function recordImports(): MessagePort {
  if (importPort) return importPort;
  const { port1, port2 } = new MessageChannel();
  register(new URL('./record-imports.mjs', import.meta.url), { data: { port: port2 }, transferList: [port2] });
  port1.on('message', (message: unknown) => {
    if (message === 'flushed') {
      flushWaiters.shift()?.();
      return;
    }
    const { specifier, resolved, at } = message as { specifier: string; resolved: string; at: bigint };
    for (const listener of importListeners) listener({ specifier, resolved, at, via: 'import' });
  });
  port1.unref();
  importPort = port1;
  return port1;
}

/**
 * Loads a built CommonJS file (out/main/index.js, out/preload/index.cjs) in this Node process,
 * with `require('electron')` answered by the stand-in, and records every module it loads from
 * then on, by require or import, for ordering checks against the stand-in's calls.
 */
export function loadWithStandIn(file: string, standIn: ElectronStandIn): LoadedModule {
  const port = recordImports();
  const loads: ModuleLoad[] = [];
  const onImport = (load: ModuleLoad) => loads.push(load);
  importListeners.add(onImport);
  const original = moduleInternals._load;
  moduleInternals._load = function load(this: unknown, request, parent, isMain) {
    if (request === 'electron') return standIn.module;
    let resolved = request;
    try {
      resolved = moduleInternals._resolveFilename(request, parent, isMain);
    } catch {
      // Let the original loader throw its own error below.
    }
    loads.push({ specifier: request, resolved, via: 'require', at: process.hrtime.bigint() });
    return original.call(this, request, parent, isMain);
  };
  const require = createRequire(import.meta.url);
  delete require.cache[require.resolve(file)];
  let exports: unknown;
  try {
    exports = require(file);
  } catch (error) {
    moduleInternals._load = original;
    importListeners.delete(onImport);
    throw error;
  }
  return {
    loads,
    exports,
    flushLoads: () =>
      new Promise<void>((resolve) => {
        flushWaiters.push(resolve);
        port.postMessage('flush');
      }),
    dispose() {
      moduleInternals._load = original;
      importListeners.delete(onImport);
    },
  };
}
