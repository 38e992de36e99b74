import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, inject } from 'vitest';
import { MISSING_POSTGRES } from './pg-cluster';
import { expectDefined } from '../helpers/expect-defined';

export const teamPg = inject('teamPg');

/** `describe` for suites that need the cluster: skipped, and said so, when PostgreSQL is not installed. */
export const describeWithHub: typeof describe = (teamPg ? describe : describe.skip) as typeof describe;
if (!teamPg) process.stdout.write(`${MISSING_POSTGRES}\n`);

/** A superuser connection over the cluster's socket (no password): setup and inspection only, never the app. */
export async function superuser(database = 'postgres'): Promise<pg.Client> {
  const client = new pg.Client({ host: expectDefined(teamPg).socketDir, port: expectDefined(teamPg).port, user: 'postgres', database });
  await client.connect();
  return client;
}

/** A login's own connection over loopback TCP with its SCRAM password: "raw SQL as that login". */
export async function connectAs(login: string, password: string, database: string): Promise<pg.Client> {
  const client = new pg.Client({ host: '127.0.0.1', port: expectDefined(teamPg).port, user: login, password, database });
  await client.connect();
  return client;
}

export interface HubDatabase {
  database: string;
  /** The hub URL for the CREATEROLE admin login, without a password. */
  adminUrl: string;
  adminPassword: string;
  urlFor(login: string): string;
}

/** A fresh database on the shared cluster, owned by the admin login, for one test file or scenario. */
export async function createHubDatabase(): Promise<HubDatabase> {
  const database = `hub_${randomBytes(6).toString('hex')}`;
  const su = await superuser();
  try {
    await su.query(`CREATE DATABASE ${database} OWNER ${expectDefined(teamPg).adminLogin}`);
  } finally {
    await su.end();
  }
  const urlFor = (login: string) => `postgres://${login}@127.0.0.1:${expectDefined(teamPg).port}/${database}`;
  return { database, adminUrl: urlFor(expectDefined(teamPg).adminLogin), adminPassword: expectDefined(teamPg).adminPassword, urlFor };
}

/** What a promise rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a rejection, but it resolved');
}
