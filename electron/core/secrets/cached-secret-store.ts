import type { SecretStore } from './secret-store';

/**
 * The keychain behind a read cache, so a model call does not ask the OS keychain for its key every
 * time (a round trip to another process, and on some desktops a prompt). Writes and removals go
 * through at once and update the cache. What the cache cannot see is another program changing the
 * keychain (the CLI setting a key while the app runs): `forget` drops an account, and the services
 * call it when a provider refuses a key (401) or finds none, so the next call reads the keychain
 * again. A restart starts empty.
 *
 * Misses are cached too: in team mode every call first looks for a key the organization shared,
 * which most providers never have.
 */
export class CachedSecretStore implements SecretStore {
  readonly #inner: SecretStore;
  /** Resolved reads, and reads in flight so that concurrent calls share one keychain read. */
  readonly #cache = new Map<string, Promise<string | null>>();
  readonly #listeners = new Set<(account: string) => void>();

  constructor(inner: SecretStore) {
    this.#inner = inner;
  }

  get(account: string): Promise<string | null> {
    let read = this.#cache.get(account);
    if (!read) {
      read = this.#inner.get(account);
      this.#cache.set(account, read);
      // A failed read (the keychain locked or gone) is not remembered: the next call asks again.
      read.catch(() => {
        if (this.#cache.get(account) === read) this.#cache.delete(account);
      });
    }
    return read;
  }

  async set(account: string, secret: string): Promise<void> {
    // Dropped first, so a read racing the write cannot leave the old value behind.
    this.#cache.delete(account);
    await this.#inner.set(account, secret);
    this.#cache.set(account, Promise.resolve(secret));
    this.#changed(account);
  }

  async delete(account: string): Promise<boolean> {
    this.#cache.delete(account);
    const deleted = await this.#inner.delete(account);
    this.#cache.set(account, Promise.resolve(null));
    this.#changed(account);
    return deleted;
  }

  /** Calls `listener` after every write or removal through this store; returns the unsubscribe. */
  onChange(listener: (account: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Drops cached reads: of these accounts, or of every account. The next read asks the keychain. */
  forget(accounts?: readonly string[]): void {
    if (accounts === undefined) this.#cache.clear();
    else for (const account of accounts) this.#cache.delete(account);
  }

  #changed(account: string): void {
    for (const listener of this.#listeners) listener(account);
  }
}
