import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CorruptDatabaseError, createCore } from '../core';
import { AppError } from '../core/errors';
import { defaultDataDir } from '../core/paths';
import { startBrowserHost } from './server';

/**
 * `npm run preview:web`: the app in any browser, on 127.0.0.1 only, for previews and the
 * browser tests. It prints the address to open; the token in it is new at every launch.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string', default: '0' },
      'renderer-dir': { type: 'string' },
      'start-fresh': { type: 'boolean' },
    },
  });
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const rendererDir = values['renderer-dir'] ?? fileURLToPath(new URL('../renderer', import.meta.url));
  const core = await createCore({
    dataDir,
    env: process.env,
    program: 'host',
    version: process.env.npm_package_version,
    onCorrupt: values['start-fresh'] ? 'move-aside' : 'fail',
    autoSync: true,
    replyWorkerFile: new URL('./reply-worker.mjs', import.meta.url),
  });
  if (core.store.recoveredFrom) process.stdout.write(`The damaged database was moved to ${core.store.recoveredFrom}; started a new one.\n`);
  const host = await startBrowserHost({ dispatch: core.dispatch, subscribe: core.subscribe, rendererDir, port: Number(values.port), logger: core.logger });
  process.stdout.write(`Outreach Desk is running at ${host.url}\nData directory: ${dataDir}\nPress Ctrl+C to stop.\n`);
  const stop = () => {
    void host.close().then(() => {
      core.close();
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const hint = error instanceof CorruptDatabaseError ? ' To do that, start the host again with --start-fresh.' : '';
  const message = error instanceof AppError ? `error[${error.code}]: ${error.message}${hint}` : `error[internal]: ${String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
