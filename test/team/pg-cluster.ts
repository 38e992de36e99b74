import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway PostgreSQL cluster for the team tests and the bench: `initdb` in a temp folder,
 * `pg_ctl start` on a free loopback port with its socket in the same folder, and `stop()` to
 * shut it down and delete the folder. Nothing outside the folder is touched.
 *
 * initdb refuses to run as root, so as root the binaries run as the `postgres` user (Debian's
 * package creates it) on a folder it owns; as anyone else they run as that user.
 */
export interface PgCluster {
  /** Loopback TCP port (SCRAM logins). */
  port: number;
  host: '127.0.0.1';
  /** The unix socket folder: the bootstrap superuser `postgres` connects here without a password. */
  socketDir: string;
  /** The server log, for the canary tests. */
  logFile: string;
  /** The major version, e.g. 15. */
  version: number;
  stop(): void;
}

export const MISSING_POSTGRES = 'skipped: PostgreSQL not installed (apt-get install postgresql)';

/** The folder holding initdb and pg_ctl, newest major version first, or null when PostgreSQL is not installed. */
export function findPgBinDir(): string | null {
  const fromEnv = process.env.OUTREACH_PG_BIN;
  if (fromEnv && existsSync(join(fromEnv, 'initdb'))) return fromEnv;
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+$/.test(v) && existsSync(join(debian, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(debian, versions[0], 'bin');
  }
  // Other systems: pg_config names the bin folder; initdb may also simply be on PATH.
  const config = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (config.status === 0 && existsSync(join(config.stdout.trim(), 'initdb'))) return config.stdout.trim();
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return join(which.stdout.trim(), '..');
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function postgresIds(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('Running as root, but there is no "postgres" user to run initdb as (install the postgresql package).');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** Runs a PostgreSQL binary, as `postgres` when we are root. Throws with its output when it fails. */
function runPg(bin: string, args: string[], asPostgres: boolean): string {
  const quoted = [bin, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  try {
    return asPostgres
      ? execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', quoted], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      : execFileSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${bin} ${args.join(' ')} failed: ${e.stderr || e.stdout || e.message}`);
  }
}

export interface StartClusterOptions {
  /** Faster, crash-unsafe settings (fsync off) for tests; the bench keeps PostgreSQL's defaults. */
  fast?: boolean;
  /** More server settings, e.g. `-c shared_preload_libraries=pg_stat_statements`. */
  settings?: string[];
}

/** Starts a cluster, or returns null when PostgreSQL is not installed. */
export async function startPgCluster(options: StartClusterOptions = {}): Promise<PgCluster | null> {
  const binDir = findPgBinDir();
  if (!binDir) return null;
  const ids = postgresIds();
  const base = mkdtempSync(join(tmpdir(), 'outreach-pg-'));
  const dataDir = join(base, 'data');
  const socketDir = join(base, 'sock');
  const logFile = join(base, 'server.log');
  mkdirSync(socketDir);
  if (ids) {
    for (const dir of [base, socketDir]) chownSync(dir, ids.uid, ids.gid);
    chmodSync(base, 0o700);
  }
  const version = Number(/(\d+)/.exec(runPg(join(binDir, 'pg_ctl'), ['--version'], false))?.[1] ?? 0);
  const cleanup = () => rmSync(base, { recursive: true, force: true });
  try {
    runPg(
      join(binDir, 'initdb'),
      ['-D', dataDir, '-U', 'postgres', '-E', 'UTF8', '--auth-local=trust', '--auth-host=scram-sha-256', '--no-sync'],
      ids !== null,
    );
  } catch (error) {
    cleanup();
    throw error;
  }
  const settings = [
    '-c listen_addresses=127.0.0.1',
    `-k ${socketDir}`,
    '-c max_connections=200',
    '-c log_min_messages=warning',
    "-c log_line_prefix='%m [%p] %u '",
  ];
  if (options.fast) settings.push('-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off');
  settings.push(...(options.settings ?? []));
  // A port taken between the probe and the start makes pg_ctl fail; try a few.
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    try {
      runPg(join(binDir, 'pg_ctl'), ['start', '-D', dataDir, '-w', '-t', '120', '-l', logFile, '-o', `${settings.join(' ')} -p ${port}`], ids !== null);
      let stopped = false;
      return {
        port,
        host: '127.0.0.1',
        socketDir,
        logFile,
        version,
        stop: () => {
          if (stopped) return;
          stopped = true;
          try {
            runPg(join(binDir, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '120'], ids !== null);
          } finally {
            cleanup();
          }
        },
      };
    } catch (error) {
      if (attempt >= 3) {
        const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : '';
        cleanup();
        throw new Error(`${(error as Error).message}\n${log}`);
      }
    }
  }
}
