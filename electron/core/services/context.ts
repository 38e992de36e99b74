import type { JobProgram } from '../../../shared/domain/records';
import type { EventName, EventPayload } from '../../../shared/ipc/events';
import type { Logger } from '../log';
import type { SecretStore } from '../secrets';
import type { Store } from '../storage';

/** What every service is built from. */
export interface ServiceDeps {
  store: Store;
  /** The OS keychain (or, in unit tests only, a memory store). */
  secrets: SecretStore;
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
