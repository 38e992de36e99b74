import { containsSecret } from '../log';

/** The longest vendor id we keep. Real ones are far shorter (`req_011CaJCR7Pm2Jh2LbWpBH5Y6`, a UUID, a model id). */
export const MAX_VENDOR_ID_LENGTH = 128;

/** What request ids and model ids are made of: `req_…`, UUIDs, `models/gemini-…`, `llama3.2:latest`, `org/model@v1`. */
const ID_CHARS = /^[A-Za-z0-9._:/@+=-]+$/;

/** A vendor's enum word, e.g. Gemini's `PROHIBITED_CONTENT`. */
const CODE_WORD = /^[A-Z][A-Z0-9_]{0,39}$/;

/**
 * A string a vendor sent that names something (a request id, a model, a listed model id), as we
 * may store, log or return it. Vendor strings are untrusted: a vendor, or a proxy in front of it,
 * can echo the caller's key in a header or send anything at all. So the value must be short, made
 * of the characters ids are made of, and hold no registered key or key-shaped text; anything else
 * is dropped (undefined), because an id we had to alter identifies nothing.
 */
export function cleanVendorId(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '' || text.length > MAX_VENDOR_ID_LENGTH || !ID_CHARS.test(text)) return undefined;
  return containsSecret(text) ? undefined : text;
}

/** A vendor's enum word (a block or finish reason) when it looks like one, else undefined. */
export function cleanVendorCode(value: unknown): string | undefined {
  return typeof value === 'string' && CODE_WORD.test(value) && !containsSecret(value) ? value : undefined;
}
