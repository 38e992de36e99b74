import type { JobProgram } from '../../../shared/domain/records';
import type { EventName, EventPayload } from '../../../shared/ipc/events';
import type { Logger } from '../log';
import type { CachedSecretStore, SecretStore } from '../secrets';
import type { RunnerStore, Store } from '../storage';

/**
 * The database as services see it: an organization's rows only through `forOrg(orgId)`, whose
 * repositories cannot reach another organization's; besides, the organizations themselves, the
 * app's key/value settings and the team connection.
 */
export type ServiceStore = Pick<Store, 'forOrg' | 'orgs' | 'meta' | 'team' | 'transaction'>;

/** What every service is built from. */
export interface ServiceDeps {
  store: ServiceStore;
  /** The data directory: the database's folder, where uploads wait until they are used. */
  dataDir: string;
  /** Jobs by id, through their leases: for the job runner the job service makes, and nothing else. */
  runnerStore: RunnerStore;
  /** The OS keychain (or, in unit tests only, a memory store), behind a read cache (see CachedSecretStore). */
  secrets: CachedSecretStore;
  /** Keys the user chose to keep for this session only; never written anywhere. */
  sessionSecrets: SecretStore;
  keychainAvailable: boolean;
  /** Environment variables that supply default keys (ANTHROPIC_API_KEY, …). */
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  now: () => Date;
  /** Pins the organization for this process (the CLI's --org); otherwise the current profile's. */
  orgId?: string;
  /** Which program this process is, as job leases name it ("running in the CLI (pid …)"). Defaults to the app. */
  program?: JobProgram;
  /**
   * The reply analysis worker this program was built with (`reply-worker` beside its entry), so
   * batch classification parses on worker threads. Without it (tests on the sources) it parses
   * on the main thread.
   */
  replyWorkerFile?: string | URL;
  /** Pushes an event to every window (job progress). */
  broadcast: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
}
