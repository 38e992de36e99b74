import { AppError } from '../errors';

/**
 * Sealed boxes (libsodium `crypto_box_seal`: X25519 + XSalsa20-Poly1305): anyone can seal a
 * message to a public key; only the holder of the matching private key opens it. The one place
 * that imports the crypto library; it loads on first use (a WASM module) so other commands
 * never pay for it.
 */
type Sodium = typeof import('libsodium-wrappers').default;

let sodium: Promise<Sodium> | null = null;

function load(): Promise<Sodium> {
  sodium ??= import('libsodium-wrappers').then(async (m) => {
    const lib = (m.default ?? m) as Sodium;
    await lib.ready;
    return lib;
  });
  return sodium;
}

const B64 = (lib: Sodium) => lib.base64_variants.ORIGINAL;

/** A fresh X25519 key pair, base64. The secret key goes to the OS keychain only. */
export async function createBoxKeyPair(): Promise<{ publicKey: string; secretKey: string }> {
  const lib = await load();
  const pair = lib.crypto_box_keypair();
  return { publicKey: lib.to_base64(pair.publicKey, B64(lib)), secretKey: lib.to_base64(pair.privateKey, B64(lib)) };
}

/** The public key that belongs to a secret key. */
export async function publicKeyOf(secretKey: string): Promise<string> {
  const lib = await load();
  return lib.to_base64(lib.crypto_scalarmult_base(lib.from_base64(secretKey, B64(lib))), B64(lib));
}

/** Seals text to a member's public key; returns base64 ciphertext. */
export async function sealTo(publicKey: string, plaintext: string): Promise<string> {
  const lib = await load();
  return lib.to_base64(lib.crypto_box_seal(lib.from_string(plaintext), lib.from_base64(publicKey, B64(lib))), B64(lib));
}

/** Opens a sealed box with this desktop's key pair; a box sealed to another key, or damaged, is refused. */
export async function openSealed(sealed: string, keys: { publicKey: string; secretKey: string }): Promise<string> {
  const lib = await load();
  try {
    const opened = lib.crypto_box_seal_open(
      lib.from_base64(sealed, B64(lib)),
      lib.from_base64(keys.publicKey, B64(lib)),
      lib.from_base64(keys.secretKey, B64(lib)),
    );
    return lib.to_string(opened);
  } catch (error) {
    throw new AppError(
      'validation',
      "A shared key from the hub could not be opened with this desktop's key: it was sealed for another key pair. Ask an admin to share the key again.",
      { cause: error },
    );
  }
}
