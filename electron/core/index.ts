import { appendFileSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { ErrorSurface } from './errors';
import { createAllHandlers } from './handlers';
import { createCoreInvoke, createDispatch, type CoreInvoke, type Dispatch } from './handlers/dispatch';
import { createLogger, type Logger } from './log';
import { isProcessAlive } from './jobs/job-lease';
import { prepareDataDir } from './paths';
import { CachedSecretStore, KeyringSecretStore, MemorySecretStore, probeKeychain, type SecretStore } from './secrets';
import { createServices, type JobRunnerTuning, type Services } from './services';
import { openStore, type Store } from './storage';
import type { TeamServiceOptions } from './team';
export { CorruptDatabaseError } from './storage';
import type { EventName, EventPayload } from '../../shared/ipc/events';
import type { JobProgram } from '../../shared/domain/records';

export interface CoreOptions {
  /** Where the database, logs and backups live. */
  dataDir: string;
  /** Defaults to the OS keychain. */
  secrets?: SecretStore;
  /** Environment variables that supply default keys; pass `process.env` in the app. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Defaults to a JSON-lines log at `<dataDir>/logs/outreach-desk.log`. */
  logger?: Logger;
  version?: string;
  /** `move-aside` starts fresh when the database file is corrupt (after the user agreed). */
  onCorrupt?: 'fail' | 'move-aside';
  /** Pins the organization (the CLI's --org). */
  orgId?: string;
  now?: () => Date;
  /** Which program this is, as job leases name it; defaults to the desktop app. */
  program?: JobProgram;
  /** The better-sqlite3 addon built for Electron's ABI (the desktop app in development). */
  sqliteNativeBinding?: string;
  /** Who shows this core's errors: the app's screens (default) or the CLI, whose fixes are commands. */
  surface?: ErrorSurface;
  /**
   * Sync with the team hub in the background while connected (the desktop app and the browser
   * host). Off by default: the CLI runs one command and syncs on `team sync`; tests sync by hand.
   */
  autoSync?: boolean | { intervalMs?: number; tickMs?: number };
  /** Team hooks for tests and the bench (see `TeamServiceOptions`). */
  team?: TeamServiceOptions;
  /** How the job runner paces and retries, for tests and the bench (see `JobRunnerTuning`); production uses the defaults. */
  jobs?: JobRunnerTuning;
  /** The program's built reply analysis worker (see `ServiceDeps.replyWorkerFile`). */
  replyWorkerFile?: string | URL;
}

/** A listener for pushes that concern every window, such as job progress. */
export type BroadcastListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** The core, as the main process, the browser host and the CLI see it. */
export interface Core {
  /** The raw door: the envelope, as Electron IPC and the browser host pass it on. */
  dispatch: Dispatch;
  /**
   * The typed door, for callers in this process (the CLI, tests): the channel's output, or the
   * `AppError` the envelope carried, thrown. `ctx` receives the call's events; without it they are dropped.
   */
  invoke: CoreInvoke;
  /** Subscribes to pushes for every window (job progress); returns the unsubscribe. */
  subscribe(listener: BroadcastListener): () => void;
  services: Services;
  store: Store;
  logger: Logger;
  keychainAvailable: boolean;
  close(): void;
}

/** A logger that appends JSON lines to `<dataDir>/logs/outreach-desk.log`. */
export function createFileLogger(dataDir: string): Logger {
  const dir = join(dataDir, 'logs');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'outreach-desk.log');
  // Synchronous appends: a crash must not lose the line that explains it. A line that cannot be
  // written (a full disk) is dropped: logging never fails the work it describes.
  return createLogger({
    sink: (line) => {
      try {
        appendFileSync(file, `${line}\n`);
      } catch {
        // The storage error the work itself meets tells the user; the log cannot.
      }
    },
  });
}

/** How long a call written down by another machine (a shared folder) may stay pending before it counts as interrupted. */
const FOREIGN_PENDING_CALL_MS = 24 * 60 * 60 * 1000;

/**
 * Calls written down by a process that has ended (a crash, a full disk) go into the ledger as
 * failed calls of unknown usage. A process on this host is gone when its pid is (or when it is
 * ours: this start is newer than any call made with our pid); another host's, after a day.
 */
function settleInterruptedCalls(store: Store, logger: Logger): void {
  const host = hostname();
  const now = Date.now();
  try {
    const settled = store.settleInterruptedCalls((call) =>
      call.host === host ? call.pid === process.pid || !isProcessAlive(call.pid) : now - Date.parse(call.createdAt) > FOREIGN_PENDING_CALL_MS,
    );
    if (settled > 0) logger.warn('model calls whose usage was never saved are in the ledger as failed calls of unknown usage', { calls: settled });
  } catch (error) {
    // Still pending: the next start settles them.
    logger.warn('could not settle interrupted model calls', { error });
  }
}

/** Opens the database, checks the keychain and wires every service and handler. */
export async function createCore(options: CoreOptions): Promise<Core> {
  prepareDataDir(options.dataDir);
  const logger = options.logger ?? createFileLogger(options.dataDir);
  const keychain = options.secrets ?? new KeyringSecretStore();
  // The keychain answers on another thread: probe it while the database opens (npm run bench -- startup).
  const probing = probeKeychain(keychain);
  let store: Store;
  try {
    store = openStore({ dataDir: options.dataDir, onCorrupt: options.onCorrupt ?? 'fail', nativeBinding: options.sqliteNativeBinding });
  } finally {
    // probeKeychain never rejects; a failed open still waits for it, so no keychain call outlives createCore.
    await probing;
  }
  const probe = await probing;
  if (!probe.available) logger.warn('no OS keychain: keys can be kept for this session only', { error: probe.error });
  store.orgs.ensureFirstRun();
  settleInterruptedCalls(store, logger);
  const listeners = new Set<BroadcastListener>();
  const broadcast: BroadcastListener = (event, payload) => {
    for (const listener of listeners) listener(event, payload);
  };
  const services = createServices(
    {
      store,
      dataDir: options.dataDir,
      runnerStore: store,
      secrets: new CachedSecretStore(keychain),
      sessionSecrets: new MemorySecretStore(),
      keychainAvailable: probe.available,
      env: options.env ?? {},
      logger,
      now: options.now ?? (() => new Date()),
      orgId: options.orgId,
      program: options.program,
      replyWorkerFile: options.replyWorkerFile,
      broadcast,
    },
    { team: options.team, jobs: options.jobs },
  );
  if (options.autoSync) services.team.startAutoSync(options.autoSync === true ? {} : options.autoSync);
  const handlers = createAllHandlers(services, {
    version: options.version ?? '0.0.0',
    dataDir: options.dataDir,
    platform: process.platform,
    keychain: probe.available ? 'available' : 'unavailable',
    recoveredFrom: store.recoveredFrom,
  });
  const dispatch = createDispatch(handlers, logger, options.surface);
  return {
    dispatch,
    invoke: createCoreInvoke(dispatch),
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    services,
    store,
    logger,
    keychainAvailable: probe.available,
    close: () => {
      // The hub connection and the analysis workers close in the background; neither holds the process open.
      void services.team.close();
      void services.jobs.close();
      services.uploads.close();
      store.close();
    },
  };
}

export type { CoreInvoke, Dispatch } from './handlers/dispatch';
export type { Services } from './services';
export type { SecretStore } from './secrets';
export { KeyringSecretStore, MemorySecretStore } from './secrets';
export { AppError, toAppErrorData, type ErrorSurface } from './errors';
export { keychainUnavailableError } from './secrets';
export { createLogger, silentLogger } from './log';
export { defaultDataDir, PRODUCT_NAME } from './paths';
