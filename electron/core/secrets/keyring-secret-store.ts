import { AsyncEntry, type EntryOptions } from '@napi-rs/keyring';
import { AppError } from '../errors';
import { registerSecret } from '../log';
import { assertSecret, keychainUnavailableError, SECRET_SERVICE_NAME, type SecretStore } from './secret-store';

/**
 * On Linux the keyring would otherwise fall back to the kernel keyring, which forgets keys at
 * logout: pinning the Secret Service makes a missing daemon an error the user can fix instead.
 * Other platforms ignore this option.
 */
const ENTRY_OPTIONS: EntryOptions = { linux: { store: 'secret-service' } };

/** Turns what the keyring throws into an AppError. Keyring messages name the platform failure, never the secret. */
function toKeychainError(error: unknown, account: string): AppError {
  const message = error instanceof Error ? error.message : String(error);
  if (/ambiguous/i.test(message)) {
    return new AppError(
      'conflict',
      `The OS keychain holds more than one Outreach Desk key for ${account}: remove the duplicates in your keychain app, then set the key again.`,
      { cause: error },
    );
  }
  return keychainUnavailableError(error);
}

/** Keys in the OS keychain (macOS Keychain, Windows Credential Manager, Secret Service on Linux) via @napi-rs/keyring. */
export class KeyringSecretStore implements SecretStore {
  readonly #service: string;

  /** `service` is the keychain's service name; tests pass their own to stay apart from the app's entries. */
  constructor(service: string = SECRET_SERVICE_NAME) {
    this.#service = service;
  }

  async get(account: string): Promise<string | null> {
    const secret = await this.#call(account, (entry) => entry.getPassword());
    if (secret) registerSecret(secret);
    return secret;
  }

  async set(account: string, secret: string): Promise<void> {
    assertSecret(secret);
    registerSecret(secret);
    await this.#call(account, (entry) => entry.setPassword(secret));
  }

  async delete(account: string): Promise<boolean> {
    return this.#call(account, (entry) => entry.deletePassword());
  }

  async #call<T>(account: string, action: (entry: AsyncEntry) => Promise<T>): Promise<T> {
    try {
      // The constructor itself throws when the Secret Service cannot be reached.
      return await action(new AsyncEntry(this.#service, account, ENTRY_OPTIONS));
    } catch (error) {
      throw toKeychainError(error, account);
    }
  }
}
