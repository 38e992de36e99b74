import { LLM_PROVIDER_NAMES, type LLMProviderName } from '../../../shared/domain/llm';
import type { KeyStatus } from '../../../shared/domain/org';
import { AppError } from '../errors';
import { PROVIDERS } from '../llm';
import { registerSecret } from '../log';
import { secretAccount, sharedKeyAccount } from '../secrets';
import type { ServiceDeps } from './context';

/**
 * The end of a key for "ends in …abcd": four characters of a real key, and at most a quarter of a
 * short one (a 4-character key shows one character), so a hint never gives a key away. Null when
 * the key is too short to show any of it.
 */
export function describeKeyTail(key: string): string | null {
  const shown = Math.min(4, Math.floor(key.length / 4));
  return shown > 0 ? key.slice(-shown) : null;
}

/**
 * Which key applies to a call: in team mode the key the organization shared through the hub
 * first, then the key set on this desktop (a session-only key first, then the OS keychain), then
 * the provider's environment variable. Asked at request time; keychain reads are cached
 * (`CachedSecretStore`), so a key changed in this process applies at once, and one changed by
 * another program once a provider refuses the old key, settings are saved, or the app restarts.
 * Keys leave this module only towards a provider client (or, sealed, towards the hub).
 */
export function createKeyService(deps: ServiceDeps) {
  async function orgKey(orgId: string, provider: LLMProviderName): Promise<{ key: string; source: 'organization' | 'session' | 'keychain' } | null> {
    if (deps.keychainAvailable && deps.store.forOrg(orgId).team.connection()) {
      const shared = await deps.secrets.get(sharedKeyAccount(orgId, provider));
      if (shared) return { key: shared, source: 'organization' };
    }
    const account = secretAccount(orgId, provider);
    const session = await deps.sessionSecrets.get(account);
    if (session) return { key: session, source: 'session' };
    if (!deps.keychainAvailable) return null;
    const stored = await deps.secrets.get(account);
    return stored ? { key: stored, source: 'keychain' } : null;
  }

  function envKey(provider: LLMProviderName): string | null {
    const name = PROVIDERS[provider].envVar;
    const value = name ? deps.env[name]?.trim() : undefined;
    return value ? value : null;
  }

  return {
    /**
     * Forgets what the keychain said about a provider's keys for an organization (or about every
     * key), so the next call reads it again: after the provider refused the key or found none.
     */
    forget(orgId?: string, provider?: LLMProviderName): void {
      if (orgId === undefined || provider === undefined) deps.secrets.forget();
      else deps.secrets.forget([secretAccount(orgId, provider), sharedKeyAccount(orgId, provider)]);
    },

    /** The organization's or this desktop's key for a provider, never the environment's: what an admin may share. */
    async shareable(orgId: string, provider: LLMProviderName): Promise<string | null> {
      return (await orgKey(orgId, provider))?.key ?? null;
    },

    /** The key for a call, or undefined when none is set (the provider then says how to add one). */
    async resolve(orgId: string, provider: LLMProviderName): Promise<string | undefined> {
      const key = (await orgKey(orgId, provider))?.key ?? envKey(provider) ?? undefined;
      if (key) registerSecret(key);
      return key;
    },

    async status(orgId: string): Promise<KeyStatus[]> {
      return Promise.all(
        LLM_PROVIDER_NAMES.map(async (provider): Promise<KeyStatus> => {
          const own = await orgKey(orgId, provider);
          if (own) return { provider, source: own.source, last4: describeKeyTail(own.key) };
          return { provider, source: envKey(provider) ? 'environment' : 'none', last4: null };
        }),
      );
    },

    /** Stores a key in the keychain, or for this session only. An empty key removes it from both. */
    async set(orgId: string, provider: LLMProviderName, key: string, sessionOnly: boolean): Promise<void> {
      const account = secretAccount(orgId, provider);
      const trimmed = key.trim();
      if (trimmed === '') {
        await deps.sessionSecrets.delete(account);
        if (deps.keychainAvailable) await deps.secrets.delete(account);
        return;
      }
      if (/\s/.test(trimmed))
        throw new AppError('validation', `The ${PROVIDERS[provider].displayName} key contains spaces: paste the key alone.`, { field: `apiKeys.${provider}` });
      registerSecret(trimmed);
      if (sessionOnly) {
        await deps.sessionSecrets.set(account, trimmed);
        return;
      }
      if (!deps.keychainAvailable) {
        const envVar = PROVIDERS[provider].envVar;
        throw new AppError('keychain_unavailable', (w) =>
          w.surface === 'cli'
            ? `No OS keychain is available, so the key was not saved. Install and start gnome-keyring (or KWallet) and ${w.restart}${envVar ? `, or set ${envVar} in the environment instead` : ''}.`
            : `No OS keychain is available, so the key was not saved. Install and start gnome-keyring (or KWallet) and ${w.restart}, or keep the key for this session only.`,
        );
      }
      await deps.secrets.set(account, trimmed);
      await deps.sessionSecrets.delete(account);
    },
  };
}

export type KeyService = ReturnType<typeof createKeyService>;
