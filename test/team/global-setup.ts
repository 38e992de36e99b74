import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { MISSING_POSTGRES, startPgCluster } from './pg-cluster';

/** What the team tests get from the one cluster this setup starts: null when PostgreSQL is not installed. */
export interface TeamPgInfo {
  port: number;
  socketDir: string;
  logFile: string;
  version: number;
  /** A CREATEROLE login (not a superuser), as a managed Postgres gives its project owner. */
  adminLogin: string;
  adminPassword: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    teamPg: TeamPgInfo | null;
  }
}

/** Starts one throwaway PostgreSQL cluster for all of test/team, and stops it afterwards. */
export default async function setup(project: TestProject): Promise<() => void> {
  const cluster = await startPgCluster({ fast: true });
  if (!cluster) {
    process.stdout.write(`\n${MISSING_POSTGRES}\n`);
    project.provide('teamPg', null);
    return () => undefined;
  }
  const adminLogin = 'hub_admin';
  const adminPassword = `admin-${process.pid}-${Date.now()}`;
  const su = new pg.Client({ host: cluster.socketDir, port: cluster.port, user: 'postgres', database: 'postgres' });
  try {
    await su.connect();
    await su.query(`CREATE ROLE ${adminLogin} LOGIN CREATEROLE CREATEDB PASSWORD '${adminPassword}'`);
  } catch (error) {
    cluster.stop();
    throw error;
  } finally {
    await su.end().catch(() => undefined);
  }
  project.provide('teamPg', {
    port: cluster.port,
    socketDir: cluster.socketDir,
    logFile: cluster.logFile,
    version: cluster.version,
    adminLogin,
    adminPassword,
  });
  return () => cluster.stop();
}
