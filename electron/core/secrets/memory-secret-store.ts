import { registerSecret } from '../log';
import { assertSecret, keychainUnavailableError, type SecretStore } from './secret-store';

/**
 * Secrets held in this process's memory only: the session-only mode (a key that is gone when the
 * app quits) and unit tests. `{ available: false }` behaves like a machine without a keychain.
 */
export class MemorySecretStore implements SecretStore {
  readonly #secrets = new Map<string, string>();
  readonly #available: boolean;

  constructor(options: { available?: boolean } = {}) {
    this.#available = options.available ?? true;
  }

  async get(account: string): Promise<string | null> {
    this.#check();
    return this.#secrets.get(account) ?? null;
  }

  async set(account: string, secret: string): Promise<void> {
    this.#check();
    assertSecret(secret);
    registerSecret(secret);
    this.#secrets.set(account, secret);
  }

  async delete(account: string): Promise<boolean> {
    this.#check();
    return this.#secrets.delete(account);
  }

  #check(): void {
    if (!this.#available) throw keychainUnavailableError();
  }
}
