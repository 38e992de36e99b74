export { CachedSecretStore } from './cached-secret-store';
export { KeyringSecretStore } from './keyring-secret-store';
export { MemorySecretStore } from './memory-secret-store';
export { keychainUnavailableError, probeKeychain, SECRET_SERVICE_NAME, secretAccount, sharedKeyAccount, teamSecretAccount } from './secret-store';
export type { SecretStore } from './secret-store';
