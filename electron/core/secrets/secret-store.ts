import { randomUUID } from 'node:crypto';
import type { LLMProviderName } from '../../../shared/domain/llm';
import { AppError } from '../errors';
import { PROVIDERS } from '../llm';

/**
 * Where API keys live: one secret per account (see `secretAccount`). Implementations never
 * write a key anywhere else, never log it, and never fall back to plaintext.
 */
export interface SecretStore {
  /** The secret for `account`, or null when none is set. Throws AppError('keychain_unavailable') when the store cannot be reached. */
  get(account: string): Promise<string | null>;
  /** Creates or replaces the secret. An empty secret is refused (AppError('validation')): use `delete` to remove a key. */
  set(account: string, secret: string): Promise<void>;
  /** Removes the secret; resolves false when there was none. */
  delete(account: string): Promise<boolean>;
}

/** The account of a provider key the organization shared through its team hub (opened from a sealed box). */
export function sharedKeyAccount(orgId: string, provider: LLMProviderName): string {
  return `${orgId}/shared/${provider}`;
}

/** The accounts of team mode's own secrets: the hub password and this desktop's X25519 secret key. */
export function teamSecretAccount(orgId: string, what: 'hub-password' | 'box-key'): string {
  return `${orgId}/team/${what}`;
}

/** The keychain service name every Outreach Desk secret is filed under. */
export const SECRET_SERVICE_NAME = 'outreach-desk';

/** Each probe writes an entry of its own: programs that probe at once must not see each other's. */
const PROBE_ACCOUNT_PREFIX = 'outreach-desk-probe';

/** The account an organization's key for a provider is stored under. */
export function secretAccount(orgId: string, provider: LLMProviderName): string {
  return `${orgId}/${provider}`;
}

/** The environment variables keys come from when there is no keychain: the CLI's way meanwhile. */
function keyVariables(): string {
  const names = Object.values(PROVIDERS).flatMap((p) => (p.envVar ? [p.envVar] : []));
  return `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

/** The error for a machine without a usable OS keychain; the message names what to install and what to do meanwhile. */
export function keychainUnavailableError(cause?: unknown): AppError {
  return new AppError(
    'keychain_unavailable',
    (w) =>
      w.surface === 'cli'
        ? `No OS keychain is available, so keys cannot be stored. Install and start a Secret Service: gnome-keyring (or KWallet) and libsecret (on Debian or Ubuntu: sudo apt-get install gnome-keyring libsecret-1-0), then ${w.restart}. Until then, keys come from ${keyVariables()} in the environment.`
        : 'No OS keychain is available: install and start gnome-keyring (or KWallet) so Outreach Desk can store keys, or use a session-only key.',
    { retryable: false, cause },
  );
}

/** Refuses an empty secret before it reaches a store. */
export function assertSecret(secret: string): void {
  if (secret.length === 0) {
    throw new AppError('validation', 'The key is empty: paste the whole key, or remove the key instead.', { field: 'apiKey' });
  }
}

/**
 * Checks that the store can write, read and delete, with a throwaway probe value. The app calls
 * it at start to decide between the keychain and the session-only mode.
 */
export async function probeKeychain(store: SecretStore): Promise<{ available: boolean; error?: AppError }> {
  const value = `probe-${Date.now()}`;
  const account = `${PROBE_ACCOUNT_PREFIX}-${randomUUID()}`;
  try {
    await store.set(account, value);
    const read = await store.get(account);
    await store.delete(account);
    if (read !== value) return { available: false, error: keychainUnavailableError(new Error('the probe value did not read back')) };
    return { available: true };
  } catch (error) {
    return { available: false, error: error instanceof AppError ? error : keychainUnavailableError(error) };
  }
}
