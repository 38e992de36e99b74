import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type pg from 'pg';
import { AppError } from '../errors';
import type { Logger } from '../log';
import { registerSecret } from '../log';
import { HUB_SQLSTATES, type HubConnection } from '../storage/hub';
import type { HubUrl } from './hub-url';

/**
 * The connection to the team hub: the one place that imports `pg` (loaded on first use, so
 * commands that never touch the hub never load it). Every error leaves as an AppError whose
 * message names the fix and never contains the password or a full URL.
 */
export interface HubSession extends HubConnection {
  readonly url: HubUrl;
  /** Runs `fn` in a transaction. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** Whether the connection broke; a broken session is closed and a new one opened. */
  readonly broken: boolean;
}

export interface OpenHubOptions {
  logger: Logger;
  /** How long connecting may take before the hub counts as offline. Defaults to 10 s. */
  connectTimeoutMs?: number;
  /** How long one statement may run on the hub. Defaults to 120 s. */
  statementTimeoutMs?: number;
}

let driver: Promise<typeof pg> | null = null;
const loadDriver = () => (driver ??= import('pg').then((m) => (m.default ?? m) as typeof pg));

const OFFLINE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'EPIPE',
  'ENETDOWN',
  '57P01',
  '57P02',
  '57P03',
]);
const TLS_CODES =
  /^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|ERR_TLS_CERT_ALTNAME_INVALID|CERT_SIGNATURE_FAILURE|ERR_SSL_.*)$/;

function tlsOptions(url: HubUrl): false | ConnectionOptions {
  if (url.sslMode === 'disable') return false;
  let ca: string | undefined;
  if (url.sslRootCert) {
    try {
      ca = readFileSync(url.sslRootCert, 'utf8');
    } catch {
      throw new AppError('validation', `Cannot read the CA file ${url.sslRootCert} named by sslrootcert: check the path.`, { field: 'url' });
    }
  }
  if (url.sslMode === 'require') return { rejectUnauthorized: false };
  // verify-ca checks the chain only; verify-full also checks the certificate names this host.
  return url.sslMode === 'verify-ca'
    ? { rejectUnauthorized: true, ca, checkServerIdentity: () => undefined }
    : { rejectUnauthorized: true, ca, servername: url.host };
}

/** Turns whatever the driver or the hub threw into an AppError that names the fix. */
export function toHubError(error: unknown, url: HubUrl, logger?: Logger): AppError {
  if (error instanceof AppError) return error;
  const e = (error ?? {}) as { code?: string; message?: string; constraint?: string; routine?: string };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  const where = `${url.host}:${url.port}`;
  const known = HUB_SQLSTATES[code];
  if (known) return new AppError(known.code, known.message, { cause: error });
  if (OFFLINE_CODES.has(code) || /Connection terminated|connection timeout|timeout expired|socket hang up/i.test(message)) {
    return new AppError(
      'offline',
      `Can't reach the team hub at ${where}. Everything keeps working on this desktop; changes wait in the outbox and sync when the hub is reachable again.`,
      { retryable: true, cause: error },
    );
  }
  if (code === '28P01' || /SASL|SCRAM/i.test(message)) {
    return new AppError(
      'auth',
      `The team hub refused the password for the login "${url.login}". If an admin removed you or a new password was issued, connect again with it (Settings → Team, or "team connect").`,
      { cause: error },
    );
  }
  if (code === '28000') {
    return new AppError(
      'auth',
      `The team hub does not let the login "${url.login}" connect from here: ask the hub's administrator to allow it (pg_hba.conf).`,
      { cause: error },
    );
  }
  if (code === '3D000')
    return new AppError('not_found', `The team hub at ${where} has no database "${url.database}": check the URL.`, { field: 'url', cause: error });
  if (TLS_CODES.test(code) || /certificate|self.signed/i.test(message)) {
    return new AppError(
      'auth',
      `The team hub's TLS certificate could not be verified for ${url.host}. If your provider signs with its own CA, download it and add sslrootcert=/path/to/ca.pem to the URL.`,
      { cause: error },
    );
  }
  if (/does not support SSL/i.test(message)) {
    return new AppError(
      'validation',
      `The team hub at ${where} does not accept TLS connections. Enable TLS on the server; a hub off this machine is never used unencrypted.`,
      { field: 'url', cause: error },
    );
  }
  if (code === '42501') {
    return new AppError('forbidden', 'The team hub refused: your role in the organization may not change that. Ask an owner or admin.', { cause: error });
  }
  if (code === '53300' || code === '53400') {
    return new AppError('server', 'The team hub has too many connections right now. Sync tries again shortly.', { retryable: true, cause: error });
  }
  if (code === '57014') return new AppError('timeout', 'The team hub took too long to answer. Sync tries again shortly.', { retryable: true, cause: error });
  // Log the SQLSTATE and the server's words (a constraint name at most); never the URL or the values.
  logger?.error('team hub error', { sqlstate: code || null, message: message.slice(0, 300), constraint: e.constraint ?? null, routine: e.routine ?? null });
  return new AppError('server', `The team hub failed (${code || 'no code'}). The details are in the log; please report it.`, { cause: error });
}

/** Connects to the hub as `url.login`. The password is registered with the logger's redactor first. */
export async function openHubSession(url: HubUrl, password: string, options: OpenHubOptions): Promise<HubSession> {
  registerSecret(password);
  const { Client } = await loadDriver();
  const client = new Client({
    host: url.host,
    port: url.port,
    database: url.database,
    user: url.login,
    password,
    ssl: tlsOptions(url),
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    statement_timeout: options.statementTimeoutMs ?? 120_000,
    keepAlive: true,
    application_name: 'outreach-desk',
  });
  let broken = false;
  // An idle connection that drops emits 'error'; unhandled, that would end the process.
  client.on('error', (error) => {
    broken = true;
    options.logger.warn('team hub connection lost', { code: (error as { code?: string }).code ?? null });
  });
  client.on('end', () => {
    broken = true;
  });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw toHubError(error, url, options.logger);
  }
  const query: HubConnection['query'] = async (text, values) => {
    try {
      return (await client.query(text, values as unknown[] | undefined)) as never;
    } catch (error) {
      const mapped = toHubError(error, url, options.logger);
      if (mapped.code === 'offline') broken = true;
      throw mapped;
    }
  };
  return {
    url,
    query,
    get broken() {
      return broken;
    },
    async transaction(fn) {
      await query('BEGIN');
      try {
        const result = await fn();
        await query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    },
    async close() {
      broken = true;
      await client.end().catch(() => undefined);
    },
  };
}
