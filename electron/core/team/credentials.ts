import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

const SCRAM_ITERATIONS = 4096;

/**
 * A SCRAM-SHA-256 verifier for a password (RFC 7677), in the form PostgreSQL stores:
 * `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`. `CREATE ROLE … PASSWORD` takes a
 * verifier as it is, so the hub never sees, logs or stores the password itself.
 */
export function createScramVerifier(password: string, salt: Buffer = randomBytes(16)): string {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, SCRAM_ITERATIONS, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${SCRAM_ITERATIONS}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** A one-time password for a new member: 24 random bytes, URL-safe base64 (32 characters). */
export function generatePassword(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * A PostgreSQL login name for an invited address: `od_` + the address's local part in
 * `[a-z0-9_]` + a random suffix, so two organizations on one cluster never collide.
 */
export function loginForEmail(email: string): string {
  const local =
    (email.split('@')[0] ?? '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 24) || 'member';
  return `od_${local}_${randomBytes(3).toString('hex')}`;
}
