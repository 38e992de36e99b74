import { isIP } from 'node:net';
import { AppError } from '../errors';

/** How the connection to the hub is encrypted: PostgreSQL's sslmode names. */
export type HubSslMode = 'disable' | 'require' | 'verify-ca' | 'verify-full';

/** A hub address, checked: where it is, who logs in, and how TLS is used. Never holds a password. */
export interface HubUrl {
  host: string;
  port: number;
  database: string;
  login: string;
  sslMode: HubSslMode;
  /** A CA bundle file for a managed provider's certificates (`sslrootcert=`). */
  sslRootCert: string | null;
  /** The URL as shown and stored: no password, ever. */
  display: string;
}

const SSL_MODES: readonly HubSslMode[] = ['disable', 'require', 'verify-ca', 'verify-full'];

/** True for names and addresses that never leave this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1';
  return false;
}

function invalid(message: string): AppError {
  return new AppError('validation', message, { field: 'url' });
}

/**
 * Reads `postgres://LOGIN@HOST:PORT/DB[?sslmode=…&sslrootcert=…]`. The password is refused
 * here (it is read from stdin or the password field and kept in the OS keychain), and TLS is
 * required for any host that is not loopback: `verify-full` by default, `verify-ca` on request.
 */
export function parseHubUrl(raw: string): HubUrl {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw invalid('The hub URL is not valid. It looks like postgres://LOGIN@HOST:5432/DATABASE.');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw invalid('The hub URL must start with postgres://, e.g. postgres://LOGIN@HOST:5432/DATABASE.');
  }
  if (url.password) {
    throw invalid('Leave the password out of the hub URL: it is asked for separately and kept in the OS keychain, never in a URL, a log or a shell history.');
  }
  const login = decodeURIComponent(url.username);
  if (!login) throw invalid('The hub URL needs a login before the host: postgres://LOGIN@HOST:5432/DATABASE.');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw invalid('The hub URL needs a host: postgres://LOGIN@HOST:5432/DATABASE.');
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database || database.includes('/')) throw invalid('The hub URL needs a database name at the end: postgres://LOGIN@HOST:5432/DATABASE.');
  const port = url.port ? Number(url.port) : 5432;

  for (const key of url.searchParams.keys()) {
    if (key !== 'sslmode' && key !== 'sslrootcert')
      throw invalid(`The hub URL has an option Outreach Desk does not use: "${key}". Only sslmode and sslrootcert are read.`);
  }
  const loopback = isLoopbackHost(host);
  const requested = url.searchParams.get('sslmode');
  if (requested !== null && !SSL_MODES.includes(requested as HubSslMode)) {
    throw invalid(`sslmode=${requested} is not one of ${SSL_MODES.join(', ')}.`);
  }
  const sslMode = (requested ?? (loopback ? 'disable' : 'verify-full')) as HubSslMode;
  if (!loopback && sslMode !== 'verify-full' && sslMode !== 'verify-ca') {
    throw invalid(
      `The hub at ${host} is not on this machine, so the connection must be encrypted and its certificate checked: use sslmode=verify-full (the default) or verify-ca, not ${sslMode}.`,
    );
  }
  const sslRootCert = url.searchParams.get('sslrootcert');

  const shown = new URL(`postgres://${host.includes(':') ? `[${host}]` : host}:${port}/`);
  shown.username = encodeURIComponent(login);
  shown.pathname = `/${encodeURIComponent(database)}`;
  if (requested) shown.searchParams.set('sslmode', sslMode);
  if (sslRootCert) shown.searchParams.set('sslrootcert', sslRootCert);
  return { host, port, database, login, sslMode, sslRootCert, display: shown.toString() };
}
